using Microsoft.Extensions.Logging;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>The whole-run preview (the CLI's plan): every step planned without changing anything.</summary>
public sealed partial class WizardSession
{
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

            if (step.Kind == StepKind.Connection && !plan.HasChanges)
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
            var plan = await step.PlanAsync(State, cancellationToken);
            plan.Findings?.Invoke(State.Results);
            return (step, plan, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (WizardStepException ex) when (ex.IsConflict)
        {
            // What exists contradicts the inputs: the run cannot succeed, so the preview says so before any write.
            return (step, null, new StepOutcome(false, ex.Errors, ex.Message) { IsConflict = true });
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
}
