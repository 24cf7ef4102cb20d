using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Core.Http;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// The wizard's state machine, shared by the web UI (one per circuit) and the command line. It owns the run's
/// <see cref="WizardState"/>, the steps in engine order and each step's status; it saves after every transition and
/// turns any failure of a step into a <see cref="StepOutcome"/> that says which server failed and what to do.
/// </summary>
public sealed partial class WizardSession
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

    /// <summary>Completes once no action runs, e.g. the plan a step starts as it opens, so the next one is not refused as busy.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (IsBusy)
        {
            var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChanged()
            {
                if (!IsBusy)
                {
                    idle.TrySetResult();
                }
            }

            Changed += OnChanged;
            try
            {
                if (IsBusy)
                {
                    await idle.Task.WaitAsync(cancellationToken);
                }
            }
            finally
            {
                Changed -= OnChanged;
            }
        }
    }

    /// <summary>
    /// What to tell the admin when another tab or the command line changed the run (a save was refused, or
    /// <see cref="ReloadIfMovedOnElsewhereAsync"/> noticed): the session then shows the run as stored. Cleared by
    /// <see cref="AcknowledgeRunMovedOn"/>.
    /// </summary>
    public string? RunMovedOnMessage { get; private set; }

    public bool RunMovedOnElsewhere => RunMovedOnMessage is not null;

    public void AcknowledgeRunMovedOn() => RunMovedOnMessage = null;

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
        ForgetReadsBeforeThePause(CurrentStep);
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
        ForgetReadsBeforeThePause(step);
        if (await PlanCoreAsync(step, cancellationToken) is null)
        {
            return _outcomes[step.Id];
        }

        var applied = await ApplyCoreAsync(step, cancellationToken);
        return applied.Succeeded ? await VerifyCoreAsync(step, cancellationToken) : applied;
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
        return new BusyScope(this, ReadCache.Begin());
    }

    private void RaiseChanged() => Changed?.Invoke();

    /// <summary>One action: exclusive, and its server reads reused until a write or a pause (ReadCache).</summary>
    private readonly struct BusyScope(WizardSession session, IDisposable reads) : IDisposable
    {
        public void Dispose()
        {
            reads.Dispose();
            Volatile.Write(ref session._busy, 0);
            session.RaiseChanged();
        }
    }
}
