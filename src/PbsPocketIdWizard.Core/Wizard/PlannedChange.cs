namespace PbsPocketIdWizard.Core.Wizard;

public enum ChangeKind
{
    Create,
    Update,
    NoChange,
}

/// <summary>One change a step would make, e.g. (Create, "Pocket ID OIDC client", "Proxmox Backup Server, callback https://pbs:8007").</summary>
public sealed record PlannedChange(ChangeKind Kind, string Resource, string Description);

/// <summary>What Apply would do; valid only for the inputs whose fingerprint it carries.</summary>
public sealed record StepPlan(IReadOnlyList<PlannedChange> Changes, string InputFingerprint)
{
    /// <summary>
    /// What the plan found in place that the later steps plan against (e.g. an existing client and the key PBS holds).
    /// Plans only read: the session records this into the run's results once the plan succeeded.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Action<WizardResults>? Findings { get; init; }

    public static StepPlan Empty(string inputFingerprint) => new([], inputFingerprint);

    public bool HasChanges => Changes.Any(c => c.Kind != ChangeKind.NoChange);

    /// <summary>At least one change creates something (else the changes update what is there).</summary>
    public bool Creates => Changes.Any(c => c.Kind == ChangeKind.Create);
}
