using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>A step whose answers a test sets: validation errors, plan, apply and verify outcomes, and a hook on verify.</summary>
public sealed class ScriptedStep(WizardStepId id, string title) : WizardStep
{
    public override WizardStepId Id => id;

    public override string Title => title;

    /// <summary>As the real step of this id declares it.</summary>
    public override StepKind Kind => Id switch
    {
        WizardStepId.PocketIdConnection or WizardStepId.PbsConnection => StepKind.Connection,
        WizardStepId.FirstSignIn => StepKind.Pause,
        WizardStepId.Summary => StepKind.Summary,
        _ => StepKind.Change,
    };

    /// <summary>As the real step of this id declares it.</summary>
    public override string ApplyLabel(StepPlan plan) => Id switch
    {
        WizardStepId.OidcClient => plan.Creates ? "Create client" : "Update client",
        WizardStepId.PbsRealm => plan.Creates ? "Create realm" : "Update realm",
        WizardStepId.Permissions => "Grant permissions",
        _ => base.ApplyLabel(plan),
    };

    public List<FieldError> ValidationErrors { get; } = [];

    public List<PlannedChange> Changes { get; } = [];

    public StepOutcome ApplyOutcome { get; set; } = StepOutcome.Success("Applied.");

    public StepOutcome VerifyOutcome { get; set; } = StepOutcome.Success("Checked on the server.");

    /// <summary>Runs inside Verify (e.g. to record what the server presented into the state).</summary>
    public Action<WizardState>? OnVerify { get; set; }

    /// <summary>An exception the plan throws for this state (e.g. a conflict with what exists), or null.</summary>
    public Func<WizardState, Exception?>? PlanThrows { get; set; }

    public int VerifyCount { get; private set; }

    public int PlanCount { get; private set; }

    public int ApplyCount { get; private set; }

    public override IReadOnlyList<FieldError> Validate(WizardState state) => ValidationErrors.ToList();

    public override Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken)
    {
        PlanCount++;
        if (PlanThrows?.Invoke(state) is { } exception)
        {
            throw exception;
        }

        return Task.FromResult(new StepPlan(Changes.ToList(), InputFingerprint(state)));
    }

    public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken)
    {
        ApplyCount++;
        return Task.FromResult(ApplyOutcome);
    }

    public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken)
    {
        VerifyCount++;
        OnVerify?.Invoke(state);
        return Task.FromResult(VerifyOutcome);
    }
}
