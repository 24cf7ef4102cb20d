namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// Persists runs (implemented in Web over SQLite; secrets encrypted with Data Protection). Each save is one
/// transaction, so a crash never leaves half a record.
/// </summary>
public interface IWizardStateStore
{
    /// <summary>The newest run that is neither completed nor undone, or null.</summary>
    Task<WizardState?> LoadActiveAsync(CancellationToken cancellationToken);

    Task<WizardState?> LoadAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the whole state and appends the journal entries not yet stored, in one transaction. Throws
    /// <see cref="WizardRunConflictException"/> when <see cref="StoredRunVersion.NextRevisionFor"/> refuses the save.
    /// Loads return a copy with the stored <see cref="WizardState.Revision"/> and a new <see cref="WizardState.WriterId"/>.
    /// </summary>
    Task SaveAsync(WizardState state, CancellationToken cancellationToken);

    /// <summary>What the store holds of the run's last save (revision, writer, ended, journal length), or null.</summary>
    Task<StoredRunVersion?> VersionOfAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>Removes every secret of the run from storage (run completed or undone).</summary>
    Task WipeSecretsAsync(Guid runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<WizardState>> ListAsync(CancellationToken cancellationToken);
}
