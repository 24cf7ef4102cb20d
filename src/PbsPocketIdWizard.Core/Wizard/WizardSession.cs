using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Core.Http;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// The wizard's state machine, shared by the web UI (one per circuit) and the command line. It owns the run's
/// <see cref="WizardState"/>, the steps in engine order and each step's status; it saves after every transition and
/// turns any failure of a step into a <see cref="StepOutcome"/> that says which server failed and what to do.
/// </summary>
public sealed class WizardSession
{
    private readonly IWizardStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<WizardSession> _logger;
    private readonly Dictionary<WizardStepId, StepPlan> _plans = [];
    private readonly Dictionary<WizardStepId, StepOutcome> _outcomes = [];
    private readonly List<Task> _backgroundSaves = [];
    private WizardState? _state;
    private int _busy;

    public WizardSession(IEnumerable<IWizardStep> steps, IWizardStateStore store, TimeProvider time, ILogger<WizardSession> logger)
    {
        Steps = steps.OrderBy(s => s.Id).ToList();
        if (Steps.Select(s => s.Id).Distinct().Count() != Steps.Count)
        {
            throw new ArgumentException("Each wizard step must be registered once.", nameof(steps));
        }

        _store = store;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after every transition, navigation and busy change; the UI calls InvokeAsync(StateHasChanged).</summary>
    public event Action? Changed;

    public IReadOnlyList<IWizardStep> Steps { get; }

    public WizardState State => _state ?? throw new InvalidOperationException("Call LoadOrStartAsync first.");

    public bool IsLoaded => _state is not null;

    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    /// <summary>
    /// Set when a save was refused because another tab or the command line changed the run: the session then shows the
    /// run as stored (<see cref="StoredRunVersion.MovedOnMessage"/> tells the admin). Cleared by <see cref="AcknowledgeRunMovedOn"/>.
    /// </summary>
    public bool RunMovedOnElsewhere { get; private set; }

    public void AcknowledgeRunMovedOn() => RunMovedOnElsewhere = false;

    public int CurrentIndex => IndexOf(State.CurrentStep);

    public IWizardStep CurrentStep => Steps[CurrentIndex];

    public bool CanMoveNext => CurrentIndex < Steps.Count - 1 && StatusOf(CurrentStep.Id) == StepStatus.Verified;

    public bool CanMoveBack => CurrentIndex > 0;

    public StepStatus StatusOf(WizardStepId id) => State.Statuses.GetValueOrDefault(id, StepStatus.NotStarted);

    /// <summary>The last plan of the step, or null when it has none for its current inputs.</summary>
    public StepPlan? PlanOf(WizardStepId id) => _plans.GetValueOrDefault(id);

    /// <summary>The last outcome of the step: validation errors, or the result of Apply or Verify.</summary>
    public StepOutcome? OutcomeOf(WizardStepId id) => _outcomes.GetValueOrDefault(id);

    public IWizardStep StepOf(WizardStepId id) => Steps[IndexOf(id)];

    // ---------------------------------------------------------------- runs

    /// <summary>Resumes the active run from the store, or starts a new one.</summary>
    public async Task LoadOrStartAsync(CancellationToken cancellationToken)
    {
        var state = await _store.LoadActiveAsync(cancellationToken) ?? NewState();
        await AttachAsync(state, cancellationToken);
    }

    /// <summary>Opens a given run (active or not), e.g. to show it or to undo what it created.</summary>
    public async Task<bool> LoadRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var state = await _store.LoadAsync(runId, cancellationToken);
        if (state is null)
        {
            return false;
        }

        await AttachAsync(state, cancellationToken);
        return true;
    }

    /// <summary>Leaves the current run (its secrets are wiped) and starts a fresh one, which detects what already exists.</summary>
    public async Task NewRunAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        if (_state is not null && _state.IsActive)
        {
            _state.Abandoned = true;
            await FinishRunAsync("abandoned", cancellationToken);
        }

        await AttachAsync(NewState(), cancellationToken);
    }

    /// <summary>Marks the run completed and wipes its secrets.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        State.Completed = true;
        await FinishRunAsync("completed", cancellationToken);
        RaiseChanged();
    }

    /// <summary>
    /// Runs every step's Undo in reverse engine order (each removes only what this run created). When all succeed the
    /// run is marked undone and its secrets are wiped; otherwise the failures are returned and undo can be retried.
    /// </summary>
    public async Task<StepOutcome> UndoAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        var errors = new List<FieldError>();
        foreach (var step in Enumerable.Reverse(Steps))
        {
            var startedAt = _time.GetTimestamp();
            var outcome = await RunGuardedAsync(step, "Undo", () => step.UndoAsync(State, cancellationToken), cancellationToken);
            if (outcome.Succeeded)
            {
                _plans.Remove(step.Id);
                State.PlanFingerprints.Remove(step.Id);
                await TransitionAsync(step.Id, StepEvent.Reset, "Undone", outcome, cancellationToken, startedAt);
            }
            else
            {
                errors.AddRange(outcome.Errors.Select(e => new FieldError(e.Field, $"{step.Title}: {e.Message}")));
                await SaveAsync(cancellationToken);
            }
        }

        if (errors.Count > 0)
        {
            RaiseChanged();
            return new StepOutcome(false, errors, $"Undo did not finish: {errors[0].Message}");
        }

        State.Undone = true;
        State.CurrentStep = Steps[0].Id;
        await FinishRunAsync("undone", cancellationToken);
        RaiseChanged();
        return StepOutcome.Success("Everything this run created was removed.");
    }

    // ---------------------------------------------------------------- the four verbs

    /// <summary>Pure validation of one step's inputs; moves it to Ready (or Failed, with the field errors).</summary>
    public IReadOnlyList<FieldError> Validate(WizardStepId id)
    {
        var step = StepOf(id);
        IReadOnlyList<FieldError> errors;
        try
        {
            errors = step.Validate(State);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors = [FieldError.ForStep($"{step.Title}: the inputs could not be checked ({ex.GetType().Name}). Review them and try again.")];
        }

        if (errors.Count > 0)
        {
            var outcome = new StepOutcome(false, errors, $"{errors.Count} input(s) need attention.");
            _outcomes[id] = outcome;
            ApplyTransition(id, StepEvent.Failed, "ValidationFailed", 0);
        }
        else
        {
            if (StatusOf(id) is StepStatus.Planned or StepStatus.Applied or StepStatus.Verified && !PlanIsCurrent(id))
            {
                _plans.Remove(id);
                ApplyTransition(id, StepEvent.InputsChanged, "InputsChanged", 0);
            }

            if (_outcomes.TryGetValue(id, out var previous) && !previous.Succeeded)
            {
                _outcomes.Remove(id);
            }

            ApplyTransition(id, StepEvent.InputsValid, "Validated", 0);
        }

        QueueSave();
        return errors;
    }

    /// <summary>Plans the current step (read-only calls).</summary>
    public Task<StepPlan?> PlanAsync(CancellationToken cancellationToken) => PlanStepAsync(CurrentStep.Id, cancellationToken);

    /// <summary>Plans any step (read-only calls), e.g. to preview the whole run; the step must validate first.</summary>
    public async Task<StepPlan?> PlanStepAsync(WizardStepId id, CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        return await PlanCoreAsync(StepOf(id), cancellationToken);
    }

    /// <summary>
    /// Applies the current step's plan, planning it first when the session holds none (e.g. after a page reload);
    /// refuses a plan the admin saw that was made from other inputs.
    /// </summary>
    public async Task<StepOutcome> ApplyAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        return await ApplyCoreAsync(CurrentStep, cancellationToken);
    }

    /// <summary>Re-reads the servers and checks the current step's result.</summary>
    public async Task<StepOutcome> VerifyAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        return await VerifyCoreAsync(CurrentStep, cancellationToken);
    }

    /// <summary>Validate → plan → apply → verify the current step, stopping at the first failure.</summary>
    public async Task<StepOutcome> RunCurrentStepAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        var step = CurrentStep;
        if (await PlanCoreAsync(step, cancellationToken) is null)
        {
            return _outcomes[step.Id];
        }

        var applied = await ApplyCoreAsync(step, cancellationToken);
        return applied.Succeeded ? await VerifyCoreAsync(step, cancellationToken) : applied;
    }

    /// <summary>
    /// The whole run's plan without changing anything: the connection steps are checked (read-only) so that later
    /// steps can read what they found, every other step is only planned. Once a step plans a change, the steps after
    /// it may depend on what does not exist yet (the client id, the realm): they are planned speculatively, ignoring
    /// step-level prerequisite errors, and a step that cannot be planned yet is shown as one Create. A real failure
    /// (an input error, a server error) stops the preview.
    /// </summary>
    public async Task<IReadOnlyList<(IWizardStep Step, StepPlan? Plan, StepOutcome? Failure)>> PlanAllAsync(CancellationToken cancellationToken)
    {
        using var busy = EnterBusy();
        var result = new List<(IWizardStep, StepPlan?, StepOutcome?)>();
        var pendingChanges = false;
        foreach (var step in Steps)
        {
            if (pendingChanges)
            {
                var speculative = await PlanSpeculativelyAsync(step, cancellationToken);
                result.Add(speculative);
                if (speculative.Failure is not null)
                {
                    break;
                }

                continue;
            }

            var plan = await PlanCoreAsync(step, cancellationToken);
            if (plan is null)
            {
                result.Add((step, null, _outcomes[step.Id]));
                break;
            }

            if (IsReadOnlyCheck(step) && !plan.HasChanges)
            {
                var applied = await ApplyCoreAsync(step, cancellationToken);
                var verified = applied.Succeeded ? await VerifyCoreAsync(step, cancellationToken) : applied;
                if (!verified.Succeeded)
                {
                    result.Add((step, plan, verified));
                    break;
                }
            }

            pendingChanges = plan.HasChanges;
            result.Add((step, plan, null));
        }

        return result;
    }

    /// <summary>A preview plan of a step whose prerequisites an earlier, unapplied step would create. Changes no status.</summary>
    private async Task<(IWizardStep Step, StepPlan? Plan, StepOutcome? Failure)> PlanSpeculativelyAsync(IWizardStep step, CancellationToken cancellationToken)
    {
        var fieldErrors = SafeValidate(step).Where(e => !string.IsNullOrEmpty(e.Field)).ToList();
        if (fieldErrors.Count > 0)
        {
            return (step, null, new StepOutcome(false, fieldErrors, $"{fieldErrors.Count} input(s) need attention."));
        }

        try
        {
            return (step, await step.PlanAsync(State, cancellationToken), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Typically "no such realm" or "no such user" before the earlier steps ran: everything here is still to do.
            _logger.LogInformation("{StepId} cannot be planned before the earlier steps are applied ({ErrorType})", step.Id.ToString(), ex.GetType().Name);
            return (step, new StepPlan([new PlannedChange(ChangeKind.Create, step.Title, "after the steps before it are applied")], FingerprintOf(step)), null);
        }
    }

    private IReadOnlyList<FieldError> SafeValidate(IWizardStep step)
    {
        try
        {
            return step.Validate(State);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return [FieldError.ForStep($"{step.Title}: the inputs could not be checked ({ex.GetType().Name}).")];
        }
    }

    /// <summary>Call after editing a step's inputs: every step whose plan was made from other inputs drops back to Ready.</summary>
    public void NotifyInputsChanged(WizardStepId id)
    {
        var changed = false;
        foreach (var step in Steps)
        {
            var status = StatusOf(step.Id);
            if (status is StepStatus.NotStarted or StepStatus.Ready)
            {
                continue;
            }

            var known = State.PlanFingerprints.ContainsKey(step.Id);
            var stale = known ? !PlanIsCurrent(step.Id) : step.Id == id && status != StepStatus.Failed;
            if (stale || (step.Id == id && status == StepStatus.Failed))
            {
                _plans.Remove(step.Id);
                State.PlanFingerprints.Remove(step.Id);
                ApplyTransition(step.Id, StepEvent.InputsChanged, "InputsChanged", 0);
                changed = true;
            }
        }

        if (changed)
        {
            QueueSave();
        }
    }

    // ---------------------------------------------------------------- navigation

    public bool MoveNext()
    {
        if (!CanMoveNext)
        {
            return false;
        }

        return Navigate(Steps[CurrentIndex + 1].Id);
    }

    public bool MoveBack() => CanMoveBack && Navigate(Steps[CurrentIndex - 1].Id);

    /// <summary>Back is always allowed; forward only when every step before the target is verified.</summary>
    public bool GoTo(WizardStepId id)
    {
        var target = IndexOf(id);
        if (target > CurrentIndex && Steps.Take(target).Any(s => StatusOf(s.Id) != StepStatus.Verified))
        {
            return false;
        }

        return Navigate(id);
    }

    /// <summary>Waits for a save started by navigation or validation (those are synchronous for the UI).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_backgroundSaves)
        {
            pending = [.. _backgroundSaves];
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
        await SaveAsync(cancellationToken);
    }

    // ---------------------------------------------------------------- internals

    private async Task<StepPlan?> PlanCoreAsync(IWizardStep step, CancellationToken cancellationToken)
    {
        // Validation is pure and cheap: always re-check, inputs may have been edited without a notification.
        if (Validate(step.Id) is { Count: > 0 })
        {
            return null;
        }

        StepPlan? plan = null;
        var started = _time.GetTimestamp();
        var outcome = await RunGuardedAsync(step, "Plan", async () =>
        {
            plan = await step.PlanAsync(State, cancellationToken);
            return StepOutcome.Success();
        }, cancellationToken);

        if (!outcome.Succeeded || plan is null)
        {
            _plans.Remove(step.Id);
            await TransitionAsync(step.Id, StepEvent.Failed, "PlanFailed", outcome, cancellationToken, started);
            return null;
        }

        _plans[step.Id] = plan;
        State.PlanFingerprints[step.Id] = plan.InputFingerprint;
        _outcomes.Remove(step.Id);
        await TransitionAsync(step.Id, StepEvent.Planned, "Planned", null, cancellationToken, started);
        return plan;
    }

    private async Task<StepOutcome> ApplyCoreAsync(IWizardStep step, CancellationToken cancellationToken)
    {
        if (StatusOf(step.Id) != StepStatus.Planned || !_plans.TryGetValue(step.Id, out var plan))
        {
            // Plans live in memory only: after a reload or a restart (status Planned, no plan), after a failure, or
            // before any plan, plan again now. Planning only reads, so this is safe; its failure is the outcome shown.
            plan = await PlanCoreAsync(step, cancellationToken);
            if (plan is null)
            {
                return _outcomes[step.Id];
            }
        }
        else if (plan.InputFingerprint != FingerprintOf(step))
        {
            // The admin saw a plan made from other inputs: do not apply something else than what was shown.
            _plans.Remove(step.Id);
            State.PlanFingerprints.Remove(step.Id);
            var refused = StepOutcome.Failure($"The inputs of {step.Title} changed after planning: plan again before applying.");
            await TransitionAsync(step.Id, StepEvent.InputsChanged, "InputsChanged", refused, cancellationToken);
            return refused;
        }

        var started = _time.GetTimestamp();
        var outcome = await RunGuardedAsync(step, "Apply", () => step.ApplyAsync(State, plan, cancellationToken), cancellationToken);
        await TransitionAsync(step.Id, outcome.Succeeded ? StepEvent.Applied : StepEvent.Failed, outcome.Succeeded ? "Applied" : "ApplyFailed", outcome, cancellationToken, started);
        return outcome;
    }

    private async Task<StepOutcome> VerifyCoreAsync(IWizardStep step, CancellationToken cancellationToken)
    {
        if (StatusOf(step.Id) is not (StepStatus.Applied or StepStatus.Verified))
        {
            // Recorded so the UI shows it (no transition happens, so nothing else would).
            var refused = StepOutcome.Failure($"{step.Title} has not been applied yet: apply it first.");
            _outcomes[step.Id] = refused;
            RaiseChanged();
            return refused;
        }

        var started = _time.GetTimestamp();
        var outcome = await RunGuardedAsync(step, "Verify", () => step.VerifyAsync(State, cancellationToken), cancellationToken);
        await TransitionAsync(step.Id, outcome.Succeeded ? StepEvent.Verified : StepEvent.Failed, outcome.Succeeded ? "Verified" : "VerifyFailed", outcome, cancellationToken, started);
        return outcome;
    }

    /// <summary>Runs a step verb; any exception becomes a failed outcome that names the server and what to do.</summary>
    private async Task<StepOutcome> RunGuardedAsync(IWizardStep step, string verb, Func<Task<StepOutcome>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (WizardRunConflictException)
        {
            // A journal save of the step was refused: nothing was sent (the Pending line is saved before any change).
            await ReloadAfterConflictAsync(cancellationToken);
            throw;
        }
        catch (WizardStepException ex)
        {
            // A conflict the admin must resolve, with field-keyed errors (e.g. a realm name taken by another type).
            return new StepOutcome(false, ex.Errors, ex.Message);
        }
        catch (Exception ex)
        {
            var message = DescribeFailure(step, ex);
            _logger.LogWarning("{StepId} {Verb} failed: {ErrorType} {Reason}", step.Id.ToString(), verb, ex.GetType().Name, message);
            return StepOutcome.Failure(message);
        }
    }

    /// <summary>What failed, on which server, and what to do. Never includes a secret (messages of our clients don't).</summary>
    public static string DescribeFailure(IWizardStep step, Exception exception)
    {
        var api = exception as ExternalApiException ?? exception.InnerException as ExternalApiException;
        if (api is not null)
        {
            var server = api.ServiceName;
            var advice = api switch
            {
                { PresentedFingerprint: { } presented } =>
                    $"{server} presented a certificate with fingerprint {presented}. Compare it with the dashboard (Show Fingerprint) and, if it matches, enter it as the trusted fingerprint.",
                { StatusCode: null } =>
                    $"Check the address of {server}, that it is running, and that this machine can reach it.",
                { StatusCode: HttpStatusCode.Unauthorized } when api.Service == ExternalService.Pbs =>
                    "Check the PBS user name and password (or API token).",
                { StatusCode: HttpStatusCode.Unauthorized } =>
                    "Check the Pocket ID API key (Settings → API Keys in Pocket ID).",
                { StatusCode: HttpStatusCode.Forbidden } =>
                    $"The credentials lack permission on {server}: use an admin account or key.",
                { StatusCode: HttpStatusCode.NotFound } =>
                    $"{server} does not know this resource or endpoint: check the address and the server version.",
                { StatusCode: >= HttpStatusCode.InternalServerError } =>
                    $"{server} had an internal error: check its log, then retry; the wizard resumes where it stopped.",
                _ => "Fix the cause named above, then retry; the wizard resumes where it stopped.",
            };
            return $"{step.Title}: {api.Message} {advice}";
        }

        return exception switch
        {
            AuthenticationException => $"{step.Title}: the TLS connection was refused ({exception.Message}). Check the trusted fingerprint and the address.",
            HttpRequestException http => $"{step.Title}: a server could not be reached ({http.Message}). Check the addresses and that both servers are running.",
            TimeoutException or TaskCanceledException => $"{step.Title}: a server did not answer in time. Check that it is running, then retry.",
            _ => $"{step.Title}: unexpected error ({exception.GetType().Name}: {exception.Message}). Retry; if it persists, check the log.",
        };
    }

    private async Task TransitionAsync(WizardStepId id, StepEvent stepEvent, string transition, StepOutcome? outcome, CancellationToken cancellationToken, long? startedAt = null)
    {
        if (outcome is not null)
        {
            _outcomes[id] = outcome;
        }

        var elapsed = startedAt is { } t ? _time.GetElapsedTime(t).TotalMilliseconds : 0;
        ApplyTransition(id, stepEvent, transition, elapsed);
        await SaveAsync(cancellationToken);
        RaiseChanged();
    }

    private void ApplyTransition(WizardStepId id, StepEvent stepEvent, string transition, double elapsedMs)
    {
        var before = StatusOf(id);
        State.Statuses[id] = StepTransitions.Next(before, stepEvent);

        // A re-validation that changes nothing is logged at Debug: it happens on every plan and would drown the rest.
        var level = State.Statuses[id] == before && stepEvent == StepEvent.InputsValid ? LogLevel.Debug : LogLevel.Information;
        using (_logger.BeginScope(new Dictionary<string, object> { ["WizardRunId"] = State.RunId.ToString() }))
        {
            _logger.Log(level, "{StepId} {Transition} against {Target} in {Elapsed} ms", id.ToString(), transition, TargetOf(id), Math.Round(elapsedMs));
        }
    }

    private bool Navigate(WizardStepId id)
    {
        if (State.CurrentStep != id)
        {
            State.CurrentStep = id;
            QueueSave();
        }

        RaiseChanged();
        return true;
    }

    private async Task AttachAsync(WizardState state, CancellationToken cancellationToken)
    {
        _state = state;
        _plans.Clear();
        _outcomes.Clear();
        // Only a new run or a repaired one is saved: merely opening a stored run (a second tab) must not take it over.
        var changed = state.Revision == 0;
        foreach (var step in Steps)
        {
            changed |= state.Statuses.TryAdd(step.Id, StepStatus.NotStarted);
        }

        if (!Steps.Any(s => s.Id == state.CurrentStep))
        {
            state.CurrentStep = Steps[0].Id;
            changed = true;
        }

        // Never resume forward of an unverified step.
        var firstOpen = Steps.FirstOrDefault(s => StatusOf(s.Id) != StepStatus.Verified);
        if (firstOpen is not null && IndexOf(state.CurrentStep) > IndexOf(firstOpen.Id))
        {
            state.CurrentStep = firstOpen.Id;
            changed = true;
        }

        using (_logger.BeginScope(new Dictionary<string, object> { ["WizardRunId"] = state.RunId.ToString() }))
        {
            _logger.LogInformation("Wizard run {WizardRunId} opened at {CurrentStep} (started {StartedAt:O})", state.RunId.ToString(), state.CurrentStep.ToString(), state.StartedAt);
        }

        if (changed)
        {
            await SaveAsync(cancellationToken);
        }

        RaiseChanged();
    }

    private async Task FinishRunAsync(string how, CancellationToken cancellationToken)
    {
        WizardSecrets.Wipe(State);
        await SaveAsync(cancellationToken);
        await _store.WipeSecretsAsync(State.RunId, cancellationToken);
        using (_logger.BeginScope(new Dictionary<string, object> { ["WizardRunId"] = State.RunId.ToString() }))
        {
            _logger.LogInformation("Wizard run {WizardRunId} {How}; its secrets were wiped", State.RunId.ToString(), how);
        }
    }

    private WizardState NewState() => new() { RunId = Guid.NewGuid(), StartedAt = _time.GetUtcNow() };

    /// <summary>
    /// Hands the store a snapshot taken now. No lock here on purpose: steps also save (their journal) through the same
    /// store, so only the store can order saves, and it keeps the one called last (see SqliteWizardStore).
    /// </summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.SaveAsync(WizardSecrets.Snapshot(State), cancellationToken);
        }
        catch (WizardRunConflictException)
        {
            await ReloadAfterConflictAsync(cancellationToken);
            throw;
        }
    }

    /// <summary>A stale copy never writes again: the session takes the stored run (new revision, new writer id).</summary>
    private async Task ReloadAfterConflictAsync(CancellationToken cancellationToken)
    {
        var runId = State.RunId;
        _logger.LogWarning("Wizard run {WizardRunId} was changed elsewhere (another tab or the command line); reloading it", runId.ToString());
        var stored = await _store.LoadAsync(runId, CancellationToken.None);
        RunMovedOnElsewhere = true;
        if (stored is null)
        {
            await LoadOrStartAsync(cancellationToken);
            return;
        }

        await AttachAsync(stored, cancellationToken);
    }

    private void QueueSave()
    {
        var save = SaveInBackgroundAsync();
        lock (_backgroundSaves)
        {
            _backgroundSaves.RemoveAll(t => t.IsCompleted);
            _backgroundSaves.Add(save);
        }
    }

    private async Task SaveInBackgroundAsync()
    {
        try
        {
            await SaveAsync(CancellationToken.None);
        }
        catch (WizardRunConflictException)
        {
            // Already reloaded and flagged for the UI (SaveAsync).
        }
        catch (Exception ex)
        {
            _logger.LogError("Saving wizard run {WizardRunId} failed: {ErrorType} {Reason}", State.RunId.ToString(), ex.GetType().Name, ex.Message);
        }
    }

    private bool PlanIsCurrent(WizardStepId id) =>
        State.PlanFingerprints.TryGetValue(id, out var fingerprint) && fingerprint == FingerprintOf(StepOf(id));

    private string FingerprintOf(IWizardStep step)
    {
        if (step is WizardStep known)
        {
            return known.InputFingerprint(State);
        }

        var json = JsonSerializer.Serialize(State.InputsFor(step.Id), WizardJson.FingerprintOptions);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    /// <summary>Connection steps only read; the whole-run preview may run them to completion.</summary>
    private static bool IsReadOnlyCheck(IWizardStep step) => step.Id is WizardStepId.PocketIdConnection or WizardStepId.PbsConnection;

    /// <summary>The server a step talks to, as scheme://host:port only (never user info, path or query).</summary>
    private string TargetOf(WizardStepId id) => id switch
    {
        WizardStepId.PocketIdConnection or WizardStepId.OidcClient => Origin(State.PocketId.Url),
        WizardStepId.PbsConnection or WizardStepId.PbsRealm or WizardStepId.FirstSignIn or WizardStepId.Permissions => Origin(State.Pbs.Url),
        _ => "Pocket ID and PBS",
    };

    private static string Origin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "(no address yet)";

    private int IndexOf(WizardStepId id)
    {
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i].Id == id)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(id), id, "This step is not registered.");
    }

    private BusyScope EnterBusy()
    {
        // Re-entrant within one flow (RunCurrentStepAsync calls the cores directly), exclusive across callers.
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException("The wizard is busy with another action; wait for it to finish.");
        }

        RaiseChanged();
        return new BusyScope(this);
    }

    private void RaiseChanged() => Changed?.Invoke();

    private readonly struct BusyScope(WizardSession session) : IDisposable
    {
        public void Dispose()
        {
            Volatile.Write(ref session._busy, 0);
            session.RaiseChanged();
        }
    }
}
