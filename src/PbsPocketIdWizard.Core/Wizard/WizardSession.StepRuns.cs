using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>How one verb runs on one step: the status transition, the outcome, the log line, the save.</summary>
public sealed partial class WizardSession
{
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
            plan.Findings?.Invoke(State.Results);
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

    /// <summary>Before running the pause: a person acts there (and may change more than the user list), so read afresh.</summary>
    private static void ForgetReadsBeforeThePause(IWizardStep step)
    {
        if (step.Kind == StepKind.Pause)
        {
            ReadCache.ForgetAllBut(PbsReadCaching.SurvivesPause);
        }
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
            // A journal save of the step was refused (SaveAsync already reloaded the stored run): nothing was sent,
            // since the Pending line is saved before any change.
            throw;
        }
        catch (WizardStepException ex)
        {
            // A conflict the admin must resolve, with field-keyed errors (e.g. a realm name taken by another type).
            return StepFailures.FromStepException(ex);
        }
        catch (Exception ex)
        {
            var message = StepFailures.Describe(step, ex);
            _logger.LogWarning("{StepId} {Verb} failed: {ErrorType} {Reason}", step.Id.ToString(), verb, ex.GetType().Name, message);
            return StepOutcome.Failure(message);
        }
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

    private bool PlanIsCurrent(WizardStepId id) =>
        State.PlanFingerprints.TryGetValue(id, out var fingerprint) && fingerprint == FingerprintOf(StepOf(id));

    private string FingerprintOf(IWizardStep step) => step.InputFingerprint(State);

    /// <summary>The server a step talks to, as scheme://host:port only (never user info, path or query).</summary>
    private string TargetOf(WizardStepId id) => StepOf(id).Target switch
    {
        StepTarget.PocketId => Origin(State.PocketId.Url),
        StepTarget.Pbs => Origin(State.Pbs.Url),
        _ => "Pocket ID and PBS",
    };

    private static string Origin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "(no address yet)";
}
