using System.Collections.Concurrent;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// A store that keeps runs in memory only: for `plan` (which must not touch a data directory) and for tests.
/// States are copied on save and load, so callers never share an instance with the store.
/// </summary>
public sealed class InMemoryWizardStateStore : IWizardStateStore
{
    private readonly ConcurrentDictionary<Guid, WizardState> _runs = new();
    private readonly Lock _saveLock = new();

    public int SaveCount { get; private set; }

    public Task<WizardState?> LoadActiveAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_runs.Values.Where(r => r.IsActive).OrderByDescending(r => r.StartedAt).Select(Loaded).FirstOrDefault());

    public Task<WizardState?> LoadAsync(Guid runId, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.TryGetValue(runId, out var state) ? Loaded(state) : null);

    public Task<StoredRunVersion?> VersionOfAsync(Guid runId, CancellationToken cancellationToken) =>
        Task.FromResult(VersionOf(runId));

    public Task SaveAsync(WizardState state, CancellationToken cancellationToken)
    {
        var copy = WizardSecrets.Snapshot(state);
        lock (_saveLock)
        {
            copy.Revision = StoredRunVersion.NextRevisionFor(VersionOf(copy.RunId), copy);
            _runs[copy.RunId] = copy;
            SaveCount++;
        }

        return Task.CompletedTask;
    }

    public Task WipeSecretsAsync(Guid runId, CancellationToken cancellationToken)
    {
        if (_runs.TryGetValue(runId, out var state))
        {
            WizardSecrets.Wipe(state);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WizardState>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WizardState>>(_runs.Values.OrderByDescending(r => r.StartedAt).Select(Loaded).ToList());

    private StoredRunVersion? VersionOf(Guid runId) =>
        _runs.TryGetValue(runId, out var stored)
            ? new StoredRunVersion(stored.Revision, stored.WriterId, !stored.IsActive, stored.Journal.Count)
            : null;

    /// <summary>A copy for a caller: the stored revision, and a writer id of its own.</summary>
    private static WizardState Loaded(WizardState stored)
    {
        var copy = WizardSecrets.Snapshot(stored);
        copy.WriterId = Guid.NewGuid();
        return copy;
    }
}
