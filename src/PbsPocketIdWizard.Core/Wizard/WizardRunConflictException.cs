namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// A save was refused because the stored run moved on since this copy was loaded (another browser tab or the command
/// line saved it), or because the stored run is already completed, undone or abandoned. The writer must reload.
/// </summary>
public sealed class WizardRunConflictException(Guid runId, string message) : Exception(message)
{
    public Guid RunId { get; } = runId;
}
