using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

public sealed class FirstSignInStep : WizardStep
{
    public override WizardStepId Id => WizardStepId.FirstSignIn;

    public override string Title => "First sign-in";
}
