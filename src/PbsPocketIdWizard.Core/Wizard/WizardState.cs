namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>Everything one run knows: inputs, results, step statuses and the journal. Persisted after each transition.</summary>
public sealed class WizardState
{
    public Guid RunId { get; set; } = Guid.NewGuid();

    public DateTimeOffset StartedAt { get; set; }

    public bool Completed { get; set; }

    public bool Undone { get; set; }

    /// <summary>Left behind by an explicit "new run"; its secrets are wiped.</summary>
    public bool Abandoned { get; set; }

    /// <summary>Neither completed, undone nor abandoned: the run a restart resumes.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsActive => !Completed && !Undone && !Abandoned;

    /// <summary>The stored revision this copy was loaded at (0: never stored); set by the store, checked on every save.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Revision { get; set; }

    /// <summary>
    /// Identifies this copy (a new one at every load): the store lets the copy that wrote the stored version go on
    /// saving, and refuses any other copy loaded at an older revision (a stale tab, the command line).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Guid WriterId { get; set; } = Guid.NewGuid();

    /// <summary>
    /// How a journal line is saved: set by the session that holds this run (its own save, so the journal is written
    /// only through the session). Unset, as for a step run on its own, a line is only added to the run.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal Func<CancellationToken, Task>? SaveJournal { get; set; }

    public PocketIdConnectionInput PocketId { get; set; } = new();

    public PbsConnectionInput Pbs { get; set; } = new();

    public OidcClientInput Client { get; set; } = new();

    public RealmInput Realm { get; set; } = new();

    public FirstSignInInput FirstSignIn { get; set; } = new();

    public PermissionsInput Permissions { get; set; } = new();

    public WizardResults Results { get; set; } = new();

    public Dictionary<WizardStepId, StepStatus> Statuses { get; set; } = [];

    public WizardStepId CurrentStep { get; set; } = WizardStepId.PocketIdConnection;

    /// <summary>The input fingerprint of the plan each step was last planned from (a restart can then tell a stale plan).</summary>
    public Dictionary<WizardStepId, string> PlanFingerprints { get; set; } = [];

    public List<JournalEntry> Journal { get; set; } = [];

    /// <summary>Ids this run updated of a kind (Done, and not Undone since), oldest first.</summary>
    public IReadOnlyList<string> ChangedByRun(ResourceKind kind)
    {
        var ids = new List<string>();
        foreach (var entry in Journal.Where(e => e.Resource == kind))
        {
            if (entry.Outcome == JournalOutcome.Undone)
            {
                ids.Remove(entry.ResourceId);
            }
            else if (entry.Outcome == JournalOutcome.Done && entry.Action == "update" && !ids.Contains(entry.ResourceId))
            {
                ids.Add(entry.ResourceId);
            }
        }

        return ids;
    }

    /// <summary>Ids this run created of a kind, still present (Done and not Undone), newest last.</summary>
    public IReadOnlyList<string> CreatedByRun(ResourceKind kind)
    {
        var undone = Journal.Where(e => e.Resource == kind && e.Outcome == JournalOutcome.Undone).Select(e => e.ResourceId).ToHashSet();
        return Journal.Where(e => e.Resource == kind && e.Outcome == JournalOutcome.Done && e.Action == "create" && !undone.Contains(e.ResourceId))
            .Select(e => e.ResourceId).Distinct().ToList();
    }
}
