using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>The realm plan's notes: what the step cannot do on this PBS, what else it tidies, and what it cannot prove.</summary>
public sealed partial class PbsRealmStep
{
    private async Task<IEnumerable<PlannedChange>> PlanNotesAsync(WizardState state, CancellationToken cancellationToken) =>
    [
        .. NoDefaultFlagNote(state),
        .. NoAudiencesNote(state),
        .. await SupersededSecretsPlanAsync(state, cancellationToken),
        .. IssuerEndpoints.PlanNote(await clients.CreatePocketId(state.PocketId).GetDiscoveryAsync(cancellationToken)),
    ];

    /// <summary>
    /// "Default realm" asked for on a PBS before 3.3.7, which has no such flag: the plan says so and nothing is sent
    /// (the flag is never sent to that version), instead of the run failing.
    /// </summary>
    private static IEnumerable<PlannedChange> NoDefaultFlagNote(WizardState state) =>
        state.Realm.Default && !state.Results.PbsSupportsDefaultRealm
            ? [new(ChangeKind.NoChange, "PBS default realm", $"not set: PBS {state.Results.PbsVersion} has no \"default realm\" option (it came with 3.3.7); update PBS to choose the default realm on its login page")]
            : [];

    /// <summary>Extra audiences asked for on a PBS before 4.2.1, which has no such option: said, never sent.</summary>
    private static IEnumerable<PlannedChange> NoAudiencesNote(WizardState state) =>
        PbsRules.ListItems(state.Realm.Audiences).Length > 0 && !PbsRealmOptions.SupportsAudiences(state.Results.PbsVersion)
            ? [new(ChangeKind.NoChange, "PBS realm extra audiences", $"not set: PBS {state.Results.PbsVersion} has no \"audiences\" option (it came with 4.2.1); PBS accepts only ID tokens for the client id itself until it is updated")]
            : [];
}
