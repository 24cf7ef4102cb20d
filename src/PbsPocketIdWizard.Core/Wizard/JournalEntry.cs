namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>What this run created (so undo removes it, in reverse order, and never what existed before).</summary>
public enum ResourceKind
{
    PocketIdClient,
    PocketIdClientSecret,
    PocketIdClientLogo,
    PocketIdAllowedGroups,
    PbsRealm,
    PbsRealmScopes,
    PbsUser,
    PbsAcl,

    /// <summary>
    /// The run moved PBS's `default` realm flag (pbs-api.md §3.3: setting it clears it on every other realm). Id
    /// "previous|new" (new empty when the flag was only cleared), so undo can make the previous default again.
    /// </summary>
    PbsDefaultRealm,

    /// <summary>The OIDC client's dark-mode logo (Pocket ID 1.14+); id = the client id.</summary>
    PocketIdClientDarkLogo,
}

/// <summary>
/// One line of the run journal. Pending = written before the mutating call (so a crash right after sending is
/// recognised on resume: the resource found then is ours); Done = confirmed; Undone = removed by undo; Failed.
/// </summary>
public sealed record JournalEntry(
    DateTimeOffset At,
    WizardStepId Step,
    string Action,
    ResourceKind Resource,
    string ResourceId,
    JournalOutcome Outcome,
    string? Detail = null);

public enum JournalOutcome
{
    Pending,
    Done,
    NoChange,
    Failed,
    Undone,
}
