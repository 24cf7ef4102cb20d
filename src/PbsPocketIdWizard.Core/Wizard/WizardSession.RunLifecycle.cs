using Microsoft.Extensions.Logging;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>The run's lifecycle: open or start a run, finish it (completed, abandoned, undone) and wipe its secrets.</summary>
public sealed partial class WizardSession
{
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


    private async Task AttachAsync(WizardState state, CancellationToken cancellationToken)
    {
        _state = state;
        // The steps' journal lines (a Pending line before each change) are saved through this session's own save.
        state.SaveJournal = SaveAsync;
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
}
