using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>
/// The one filled button of a connection or change step: what it says and what pressing it does. It is always the
/// right next thing to do: connect (and move on), apply what the plan shows (and verify, and move on), or move on when
/// nothing is left to do. Everything else on the step (test again, plan again, back) is a secondary action.
/// </summary>
public sealed record PrimaryAction(string Label, Func<Task> Run)
{
    public static PrimaryAction For(WizardViewModel vm, WizardStepId id) => vm.KindOf(id) switch
    {
        StepKind.Connection => ForConnection(vm, id),
        _ => ForChange(vm, id),
    };

    private static PrimaryAction ForConnection(WizardViewModel vm, WizardStepId id) =>
        vm.StatusOf(id) == StepStatus.Verified
            ? new PrimaryAction("Next", () => Task.FromResult(vm.MoveNext()))
            : new PrimaryAction("Connect", vm.RunAndContinueAsync);

    private static PrimaryAction ForChange(WizardViewModel vm, WizardStepId id) => vm.StatusOf(id) switch
    {
        StepStatus.Verified => new PrimaryAction("Next", () => Task.FromResult(vm.MoveNext())),
        StepStatus.Applied => new PrimaryAction("Next", vm.VerifyAndContinueAsync),
        StepStatus.Planned when vm.PlanOf(id) is { } plan => new PrimaryAction(plan.HasChanges ? vm.StepOf(id).ApplyLabel(plan) : "Next", vm.ApplyAndContinueAsync),
        // A failed apply is retried (the session plans afresh first, and apply is idempotent).
        StepStatus.Failed when vm.CanApply(id) => new PrimaryAction("Retry", vm.ApplyAndContinueAsync),
        _ => new PrimaryAction("Show the plan", vm.PlanAsync),
    };
}
