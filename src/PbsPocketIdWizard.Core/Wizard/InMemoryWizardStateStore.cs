using System.Collections.Concurrent;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// A store that keeps runs in memory only: for `plan` (which must not touch a data directory) and for tests.
/// States are copied on save and load, so callers never share an instance with the store.
/// </summary>
public sealed class InMemoryWizardStateStore : IWizardStateStore
{
    private readonly ConcurrentDictionary<Guid, WizardState> _runs = new();

    public int SaveCount { get; private set; }

    public Task<WizardState?> LoadActiveAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_runs.Values.Where(r => r.IsActive).OrderByDescending(r => r.StartedAt).Select(Copy).FirstOrDefault());

    public Task<WizardState?> LoadAsync(Guid runId, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.TryGetValue(runId, out var state) ? Copy(state) : null);

    public Task SaveAsync(WizardState state, CancellationToken cancellationToken)
    {
        _runs[state.RunId] = Copy(state);
        SaveCount++;
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
        Task.FromResult<IReadOnlyList<WizardState>>(_runs.Values.OrderByDescending(r => r.StartedAt).Select(Copy).ToList());

    private static WizardState Copy(WizardState state) => WizardSecrets.Snapshot(state);
}
