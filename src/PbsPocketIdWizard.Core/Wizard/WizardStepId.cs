namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>The wizard's steps in engine order; the UI and the CLI never use indices or strings for them.</summary>
public enum WizardStepId
{
    PocketIdConnection,
    PbsConnection,
    OidcClient,
    PbsRealm,
    FirstSignIn,
    Permissions,
    Summary,
}
