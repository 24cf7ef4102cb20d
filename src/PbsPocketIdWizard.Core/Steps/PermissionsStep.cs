using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class PermissionsStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.Permissions;

    public override string Title => "Permissions";
}
