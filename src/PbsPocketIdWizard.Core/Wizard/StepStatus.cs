namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>Where a step stands: NotStarted → Ready → Planned → Applied → Verified, or Failed.</summary>
public enum StepStatus
{
    NotStarted,
    Ready,
    Planned,
    Applied,
    Verified,
    Failed,
}
