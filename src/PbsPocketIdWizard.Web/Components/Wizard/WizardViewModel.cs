using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Prefill;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>
/// The small Web-side helper between the views and the engine's <see cref="WizardSession"/> (one per circuit): loads
/// or starts the run, pre-fills a fresh one, maps field errors to fields, and runs the buttons' actions. All decisions
/// (transitions, what is allowed) stay in the session.
/// </summary>
public sealed class WizardViewModel(WizardSession session, WizardPrefill prefill, DemoSimulators demo, ILogger<WizardViewModel> logger) : IDisposable
{
    private readonly CancellationTokenSource _circuit = new();

    public WizardSession Session => session;

    public WizardState State => session.State;

    public bool IsLoaded => session.IsLoaded;

    public bool IsBusy => session.IsBusy;

    public Task WhenIdleAsync() => session.WhenIdleAsync(_circuit.Token);

    public bool IsDemo => prefill.IsDemo;

    public DemoEnvironment? Demo => prefill.Demo;

    /// <summary>A failure outside any step (e.g. the store), shown above the stepper.</summary>
    public string? LastError { get; private set; }

    public CancellationToken CircuitToken => _circuit.Token;

    /// <summary>
    /// Something that happened without the admin that they should know about, shown until dismissed: another tab or the
    /// command line changed the run (the page now shows it as stored), or a new demo run was started.
    /// </summary>
    public string? Notice =>
        !session.IsLoaded ? null
        : session.RunMovedOnMessage is { } movedOn ? movedOn
        : prefill.WasStartedAfterRestart(session.State.RunId)
            ? "The demo simulators restarted (they keep no data), so a new demo run was started. In live mode a restart resumes where you were."
            : null;

    public void DismissNotice()
    {
        session.AcknowledgeRunMovedOn();
        prefill.ForgetRunStartedAfterRestart();
    }

    /// <summary>How often the open page asks whether another tab or the command line moved the run on.</summary>
    public TimeSpan ChangesElsewhereInterval { get; set; } = TimeSpan.FromSeconds(2);

    private int _watchingForChangesElsewhere;

    /// <summary>
    /// Until the page closes: notices by itself when another tab or the command line saved the run, reloads it and says
    /// so (<see cref="Notice"/>), instead of waiting for the admin's next save to be refused. Started once per page.
    /// </summary>
    public async Task WatchForChangesElsewhereAsync()
    {
        if (Interlocked.Exchange(ref _watchingForChangesElsewhere, 1) == 1)
        {
            return;
        }

        using var timer = new PeriodicTimer(ChangesElsewhereInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_circuit.Token))
            {
                try
                {
                    await session.ReloadIfMovedOnElsewhereAsync(_circuit.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Checking whether the run changed elsewhere failed: {ErrorType} {Reason}", ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the page closed
        }
    }

    /// <summary>How the step is driven from the UI (declared by the step itself).</summary>
    public IWizardStep StepOf(WizardStepId id) => session.StepOf(id);

    public StepKind KindOf(WizardStepId id) => session.StepOf(id).Kind;

    public async Task InitializeAsync()
    {
        // Demo mode: the simulators start beside the web host; a fresh run is pre-filled with their addresses.
        await demo.WhenStartedAsync(_circuit.Token);
        if (!session.IsLoaded)
        {
            await session.LoadOrStartAsync(_circuit.Token);
            if (prefill.IsStaleDemoRun(session.State))
            {
                logger.LogInformation("Demo run {WizardRunId} was made against simulators of an earlier start; starting a new run", session.State.RunId);
                await session.NewRunAsync(_circuit.Token);
                prefill.RecordRunStartedAfterRestart(session.State.RunId);
            }
        }

        if (prefill.Apply(session.State))
        {
            await session.FlushAsync(_circuit.Token);
        }
    }

    public StepStatus StatusOf(WizardStepId id) => session.StatusOf(id);

    public StepPlan? PlanOf(WizardStepId id) => session.PlanOf(id);

    public StepOutcome? OutcomeOf(WizardStepId id) => session.OutcomeOf(id);

    /// <summary>The message for one field of a step, from its last validation, apply or verify.</summary>
    public string? ErrorFor(WizardStepId id, string field)
    {
        var errors = session.OutcomeOf(id)?.Errors;
        if (errors is null)
        {
            return null;
        }

        var messages = errors.Where(e => string.Equals(e.Field, field, StringComparison.OrdinalIgnoreCase)).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    public bool HasError(WizardStepId id, string field) => ErrorFor(id, field) is not null;

    /// <summary>Errors for the step as a whole, plus field errors for fields the view does not show (nothing is lost).</summary>
    public IReadOnlyList<FieldError> StepErrors(WizardStepId id, IReadOnlyCollection<string> shownFields)
    {
        var errors = session.OutcomeOf(id)?.Errors ?? [];
        return errors.Where(e => string.IsNullOrEmpty(e.Field) || !shownFields.Contains(e.Field, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>
    /// After the admin edits a step's inputs: stale plans drop back to Ready and the edit is saved; a change step that
    /// is open shows its new plan straight away (read-only), so the primary button always names what it will do.
    /// </summary>
    public async Task InputsChangedAsync(WizardStepId id)
    {
        session.NotifyInputsChanged(id);
        await RunAsync(() => session.FlushAsync(_circuit.Token));
        await PlanOnOpenAsync(id);
    }

    /// <summary>A change step shows its plan as soon as it opens: planned here unless it already holds a current one
    /// (or failed, when the admin first sees why). Only reads.</summary>
    public async Task PlanOnOpenAsync(WizardStepId id)
    {
        var status = session.StatusOf(id);
        var needsPlan = status is StepStatus.NotStarted or StepStatus.Ready || (status == StepStatus.Planned && session.PlanOf(id) is null);
        if (KindOf(id) == StepKind.Change && session.CurrentStep.Id == id && needsPlan && !session.IsBusy)
        {
            await RunAsync(async () =>
            {
                try
                {
                    await session.PlanAsync(_circuit.Token);
                }
                catch (InvalidOperationException) when (session.IsBusy)
                {
                    // Another action of this step started first (e.g. its own re-plan); its result re-renders the plan.
                }
            });
        }
    }

    public Task PlanAsync() => RunAsync(() => session.PlanAsync(_circuit.Token));

    /// <summary>Apply is offered once planned, and again as "Retry" after a failure (which plans afresh first).</summary>
    public bool CanApply(WizardStepId id) => session.StatusOf(id) == StepStatus.Planned
        || (session.StatusOf(id) == StepStatus.Failed && session.State.PlanFingerprints.ContainsKey(id));

    /// <summary>The change steps' primary button: apply, verify straight after, and move on when both passed. The
    /// session plans again first when it holds no plan (after a failure or a page reload): apply is idempotent, so a
    /// retry finds what the failed attempt already made.</summary>
    public Task ApplyAndContinueAsync() => RunAsync(async () =>
    {
        var applied = await session.ApplyAsync(_circuit.Token);
        if (applied.Succeeded && (await session.VerifyAsync(_circuit.Token)).Succeeded)
        {
            session.MoveNext();
        }
    });

    /// <summary>Applied but not verified yet (the check failed earlier): check again and move on when it passes.</summary>
    public Task VerifyAndContinueAsync() => RunAsync(async () =>
    {
        if ((await session.VerifyAsync(_circuit.Token)).Succeeded)
        {
            session.MoveNext();
        }
    });

    /// <summary>"Test again" / "Check again": connection steps and the pause run validate, plan, apply, verify in one
    /// go; change steps re-verify what was applied. Never moves on.</summary>
    public Task TestAsync() => RunAsync(async () =>
    {
        var id = session.CurrentStep.Id;
        if (KindOf(id) == StepKind.Change && session.StatusOf(id) is StepStatus.Applied or StepStatus.Verified)
        {
            await session.VerifyAsync(_circuit.Token);
        }
        else
        {
            await session.RunCurrentStepAsync(_circuit.Token);
        }
    });

    /// <summary>Runs the current step to the end and, when it verified, moves on (Connect, Continue).</summary>
    public Task RunAndContinueAsync() => RunAsync(async () =>
    {
        var outcome = await session.RunCurrentStepAsync(_circuit.Token);
        if (outcome.Succeeded)
        {
            session.MoveNext();
        }
    });

    /// <summary>The check of an existing setup waits for a connection the admin is fixing; it opens again once both servers are connected.</summary>
    public bool SetupCheckRequested { get; set; }

    /// <summary>Every connection step is verified and nothing runs: the moment a requested check can open again.</summary>
    public bool SetupCheckCanResume => SetupCheckRequested && !session.IsBusy
        && session.Steps.Where(s => s.Kind == StepKind.Connection).All(s => session.StatusOf(s.Id) == StepStatus.Verified);

    /// <summary>
    /// "Check an existing setup": the whole run planned read-only against the servers of the first two screens (both
    /// connections are tested on the way), read as the same diagnosis as the command line's doctor. Null when the
    /// check itself could not run (the reason is in <see cref="LastError"/>).
    /// </summary>
    public async Task<SetupDiagnosis?> CheckExistingSetupAsync()
    {
        SetupDiagnosis? diagnosis = null;
        await RunAsync(async () => diagnosis = SetupDiagnosis.From(await session.PlanAllAsync(_circuit.Token)));
        return diagnosis;
    }

    public bool MoveNext() => session.MoveNext();

    public bool MoveBack() => session.MoveBack();

    public bool GoTo(WizardStepId id) => session.GoTo(id);

    public Task<StepOutcome> UndoAsync() => RunWithResultAsync(() => session.UndoAsync(_circuit.Token));

    public Task CompleteAsync() => RunAsync(() => session.CompleteAsync(_circuit.Token));

    public Task NewRunAsync() => RunAsync(async () =>
    {
        await session.NewRunAsync(_circuit.Token);
        if (prefill.Apply(session.State))
        {
            await session.FlushAsync(_circuit.Token);
        }
    });

    /// <summary>Demo: both simulators back to their seed, and a fresh run pre-filled with their addresses.</summary>
    public Task ResetDemoAsync() => RunAsync(async () =>
    {
        demo.Reset();
        await session.NewRunAsync(_circuit.Token);
        if (prefill.Apply(session.State))
        {
            await session.FlushAsync(_circuit.Token);
        }
    });

    /// <summary>
    /// The fingerprint PBS presented at a failed connection test when it differs from the trusted one: the view then
    /// asks the admin whether to trust it.
    /// </summary>
    public string? UntrustedPbsFingerprint =>
        session.StatusOf(WizardStepId.PbsConnection) == StepStatus.Failed
        && State.Results.PbsPresentedFingerprint is { Length: > 0 } presented
        && !string.Equals(CertificatePin.Normalize(presented), CertificatePin.Normalize(State.Pbs.Fingerprint), StringComparison.OrdinalIgnoreCase)
            ? presented
            : null;

    /// <summary>Trusts the presented fingerprint (pins it), connects again and moves on when that passes: the trust
    /// dialog's button finishes what "Connect" started.</summary>
    public async Task TrustPbsFingerprintAsync(string fingerprint)
    {
        State.Pbs.Fingerprint = fingerprint;
        await InputsChangedAsync(WizardStepId.PbsConnection);
        await RunAndContinueAsync();
    }

    /// <summary>What undo would remove, newest first, for the confirmation dialog.</summary>
    public IReadOnlyList<string> WhatUndoRemoves() =>
        State.Journal
            .Where(e => e.Action == "create" && e.Outcome == JournalOutcome.Done)
            .Where(e => State.CreatedByRun(e.Resource).Contains(e.ResourceId))
            .Reverse()
            .Select(e => DescribeItem(e.Resource, e.ResourceId))
            .Distinct()
            // Not a removal: the realm that had PBS's default flag before the run gets it back (undo checks it still may).
            .Concat(State.ChangedByRun(ResourceKind.PbsDefaultRealm).Select(id => $"{DefaultRealmMove.Parse(id).Previous} becomes the PBS default realm again"))
            .ToList();

    /// <summary>One journal resource in words (the shared <see cref="ResourceDescriber"/>), not its raw key.</summary>
    private string DescribeItem(ResourceKind kind, string resourceId)
    {
        var text = ResourceDescriber.Describe(kind, resourceId, State);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    public void Dispose()
    {
        _circuit.Cancel();
        _circuit.Dispose();
    }

    private async Task RunAsync(Func<Task> action)
    {
        LastError = null;
        try
        {
            await action();
        }
        catch (OperationCanceledException) when (_circuit.IsCancellationRequested)
        {
            // the browser went away; the run is saved after every transition
        }
        catch (InvalidOperationException ex) when (session.IsBusy)
        {
            LastError = ex.Message;
        }
        catch (WizardRunConflictException)
        {
            // Another tab or the command line moved the run on: the session already shows the stored run, and the
            // notice (its RunMovedOnMessage) tells the admin.
        }
        catch (Exception ex)
        {
            logger.LogError("Wizard action failed: {ErrorType} {Reason}", ex.GetType().Name, ex.Message);
            LastError = $"The wizard could not finish this action ({ex.GetType().Name}: {ex.Message}). Your progress is saved; try again.";
        }
    }

    private async Task<StepOutcome> RunWithResultAsync(Func<Task<StepOutcome>> action)
    {
        StepOutcome result = StepOutcome.Failure("The action did not run.");
        await RunAsync(async () => result = await action());
        return result;
    }
}
