using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class PbsRealmStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.PbsRealm;

    public override string Title => "PBS realm";
}
