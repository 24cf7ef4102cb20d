using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class PocketIdConnectionStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.PocketIdConnection;

    public override string Title => "Pocket ID";
}
