using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

public sealed class RunJournalTests
{
    /// <summary>Records, at each save that adds a journal line, that line and how many clients Pocket ID had at that moment.</summary>
    private sealed class RecordingStore : IWizardStateStore
    {
        public List<(JournalEntry Entry, int ClientsOnServer)> Saves { get; } = [];

        private int _linesSeen;

        public Func<int>? CountClients { get; set; }

        public Task SaveAsync(WizardState state, CancellationToken cancellationToken)
        {
            if (state.Journal.Count > _linesSeen)
            {
                _linesSeen = state.Journal.Count;
                Saves.Add((state.Journal[^1], CountClients?.Invoke() ?? -1));
            }

            return Task.CompletedTask;
        }

        public Task<WizardState?> LoadActiveAsync(CancellationToken cancellationToken) => Task.FromResult<WizardState?>(null);

        public Task<WizardState?> LoadAsync(Guid runId, CancellationToken cancellationToken) => Task.FromResult<WizardState?>(null);

        public Task WipeSecretsAsync(Guid runId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<StoredRunVersion?> VersionOfAsync(Guid runId, CancellationToken cancellationToken) => Task.FromResult<StoredRunVersion?>(null);

        public Task<IReadOnlyList<WizardState>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<WizardState>>([]);
    }

    [Fact]
    public async Task Apply_ThroughTheSession_SavesAPendingLineBeforeTheCreateAndADoneLineAfterIt()
    {
        var store = new RecordingStore();
        await using var host = await SimulatorHost.StartAsync();
        store.CountClients = () => host.PocketId.Clients.Count;
        var session = new WizardSession(host.Engine.GetServices<IWizardStep>(), store, TimeProvider.System, new ListLogger<WizardSession>());
        await session.LoadOrStartAsync(CancellationToken.None);
        var inputs = host.NewState();
        (session.State.PocketId, session.State.Pbs) = (inputs.PocketId, inputs.Pbs);
        for (var step = 0; step < 3; step++)
        {
            var outcome = await session.RunCurrentStepAsync(CancellationToken.None);
            Assert.True(outcome.Succeeded, string.Join(" | ", outcome.Errors));
            session.MoveNext();
        }

        var clientLines = store.Saves.Where(s => s.Entry.Resource == ResourceKind.PocketIdClient).ToList();
        Assert.Equal(2, clientLines.Count);
        Assert.Equal((JournalOutcome.Pending, 0), (clientLines[0].Entry.Outcome, clientLines[0].ClientsOnServer));
        Assert.Equal((JournalOutcome.Done, 1), (clientLines[1].Entry.Outcome, clientLines[1].ClientsOnServer));
        Assert.Contains(store.Saves, s => s.Entry.Resource == ResourceKind.PocketIdClientSecret && s.Entry.Outcome == JournalOutcome.Done);
    }

    [Fact]
    public async Task Resume_WithOnlyAPendingLine_AdoptsTheResourceFoundAsThisRunsOwn()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        // Simulate a crash right after the create was sent: the saved state has the Pending line only.
        var resumed = host.NewState();
        resumed.RunId = state.RunId;
        resumed.Results = state.Results;
        resumed.Journal = state.Journal.Where(e => !(e.Resource == ResourceKind.PbsRealm && e.Outcome == JournalOutcome.Done)).ToList();

        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), resumed);

        Assert.Equal(["PocketID"], resumed.CreatedByRun(ResourceKind.PbsRealm));
        Assert.Single(host.Pbs.Realms, r => r.Name == "PocketID");
    }
}
