using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class OidcClientStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.OidcClient;

    public override string Title => "OIDC client";
}
