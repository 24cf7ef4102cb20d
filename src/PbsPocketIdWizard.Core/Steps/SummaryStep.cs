using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class SummaryStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.Summary;

    public override string Title => "Summary";
}
