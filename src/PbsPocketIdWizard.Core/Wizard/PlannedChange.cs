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
    public static StepPlan Empty(string inputFingerprint) => new([], inputFingerprint);

    public bool HasChanges => Changes.Any(c => c.Kind != ChangeKind.NoChange);
}
