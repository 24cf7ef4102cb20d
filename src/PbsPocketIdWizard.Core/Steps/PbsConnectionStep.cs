using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class PbsConnectionStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.PbsConnection;

    public override string Title => "Proxmox Backup Server";
}
