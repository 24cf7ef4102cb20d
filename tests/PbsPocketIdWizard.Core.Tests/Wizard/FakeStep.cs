using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Wizard;

/// <summary>A step whose verbs are scripted by the test; it records the order in which its verbs ran.</summary>
public sealed class FakeStep(WizardStepId id, List<string>? calls = null) : WizardStep
{
    public override WizardStepId Id { get; } = id;

    public override string Title => $"Fake {Id}";

    /// <summary>As the real step of this id declares it.</summary>
    public override StepKind Kind => Id switch
    {
        WizardStepId.PocketIdConnection or WizardStepId.PbsConnection => StepKind.Connection,
        WizardStepId.FirstSignIn => StepKind.Pause,
        WizardStepId.Summary => StepKind.Summary,
        _ => StepKind.Change,
    };

    /// <summary>As the real step of this id declares it.</summary>
    public override StepTarget Target => Id switch
    {
        WizardStepId.PocketIdConnection or WizardStepId.OidcClient => StepTarget.PocketId,
        WizardStepId.Summary => StepTarget.Both,
        _ => StepTarget.Pbs,
    };

    /// <summary>As the real step of this id declares it.</summary>
    protected override object InputsOf(WizardState state) => Id switch
    {
        WizardStepId.PocketIdConnection => state.PocketId,
        WizardStepId.PbsConnection => state.Pbs,
        WizardStepId.OidcClient => new { state.Client, PbsUrl = state.Pbs.Url },
        WizardStepId.PbsRealm => new { state.Realm.Name, state.Results.ClientId },
        WizardStepId.FirstSignIn => state.FirstSignIn,
        WizardStepId.Permissions => state.Permissions,
        _ => new { },
    };

    public List<string> Calls { get; } = calls ?? [];

    public Func<WizardState, IReadOnlyList<FieldError>> OnValidate { get; set; } = _ => [];

    public IReadOnlyList<PlannedChange> Changes { get; set; } = [];

    public Func<WizardState, StepOutcome>? OnApply { get; set; }

    public Func<WizardState, StepOutcome>? OnVerify { get; set; }

    public Func<WizardState, StepOutcome>? OnUndo { get; set; }

    public Exception? ThrowOnPlan { get; set; }

    public override IReadOnlyList<FieldError> Validate(WizardState state) => OnValidate(state);

    public override Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken)
    {
        Calls.Add($"{Id}.Plan");
        if (ThrowOnPlan is not null)
        {
            throw ThrowOnPlan;
        }

        return Task.FromResult(new StepPlan(Changes, InputFingerprint(state)));
    }

    public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken)
    {
        Calls.Add($"{Id}.Apply");
        return Task.FromResult(OnApply?.Invoke(state) ?? StepOutcome.Success());
    }

    public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken)
    {
        Calls.Add($"{Id}.Verify");
        return Task.FromResult(OnVerify?.Invoke(state) ?? StepOutcome.Success());
    }

    public override Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken)
    {
        Calls.Add($"{Id}.Undo");
        return Task.FromResult(OnUndo?.Invoke(state) ?? StepOutcome.Success());
    }
}
