using Microsoft.Extensions.Logging.Abstractions;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Persistence;

public sealed class SqliteWizardStoreTests : IDisposable
{
    private const string ApiKey = "pid-api-key-7f3c9e1a2b";
    private const string Password = "pbs-password-Zq81!x";
    private const string Token = "root@pam!wizard:5d2e8c71-token-secret";
    private const string ClientSecret = "oidc-client-secret-Yt6pQ0wR";

    private static readonly DateTimeOffset Start = new(2026, 11, 28, 18, 0, 0, TimeSpan.Zero);

    private readonly StoreDirectory _store = new(Start);

    public void Dispose() => _store.Dispose();

    /// <summary>A new store over the same directory, like a restart of the app or another process.</summary>
    private SqliteWizardStore NewStore() => _store.NewStore();

    private static WizardState SampleState(DateTimeOffset startedAt)
    {
        var state = new WizardState { StartedAt = startedAt };
        state.PocketId.Url = "https://id.example.com";
        state.PocketId.ApiKey = new Secret(ApiKey);
        state.Pbs.Url = "https://pbs.example.com:8007";
        state.Pbs.Password = new Secret(Password);
        state.Pbs.ApiToken = new Secret(Token);
        state.Pbs.Fingerprint = "aa:bb";
        state.Pbs.TotpCode = "123456";
        state.Realm.Name = "PocketID";
        state.Permissions.Grants.Add(new PermissionGrantInput { User = "alice", Path = "/datastore/store1", Role = "DatastoreBackup" });
        state.Results.ClientId = "client-123";
        state.Results.ClientSecret = new Secret(ClientSecret);
        state.Results.Issuer = "https://id.example.com";
        state.Results.DetectedUsers.Add(new DetectedUser("alice@PocketID", "alice@example.com", "Alice", startedAt.AddMinutes(3)));
        state.Statuses[WizardStepId.PocketIdConnection] = StepStatus.Verified;
        state.Statuses[WizardStepId.OidcClient] = StepStatus.Planned;
        state.PlanFingerprints[WizardStepId.OidcClient] = "ABCDEF";
        state.CurrentStep = WizardStepId.OidcClient;
        state.Journal.Add(new JournalEntry(startedAt.AddMinutes(1), WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "client-123", JournalOutcome.Pending));
        state.Journal.Add(new JournalEntry(startedAt.AddMinutes(2), WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "client-123", JournalOutcome.Done, "Proxmox Backup Server"));
        return state;
    }

    [Fact]
    public async Task SaveThenLoad_NewStoreSameDirectory_RoundTripsEverythingIncludingSecrets()
    {
        var state = SampleState(Start);
        await NewStore().SaveAsync(state, CancellationToken.None);

        var loaded = await NewStore().LoadAsync(state.RunId, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(state.StartedAt, loaded.StartedAt);
        Assert.Equal("https://id.example.com", loaded.PocketId.Url);
        Assert.Equal(ApiKey, loaded.PocketId.ApiKey?.Reveal());
        Assert.Equal(Password, loaded.Pbs.Password?.Reveal());
        Assert.Equal(Token, loaded.Pbs.ApiToken?.Reveal());
        Assert.Equal(ClientSecret, loaded.Results.ClientSecret?.Reveal());
        Assert.Null(loaded.Pbs.TotpCode);
        Assert.Equal("aa:bb", loaded.Pbs.Fingerprint);
        Assert.Equal("DatastoreBackup", Assert.Single(loaded.Permissions.Grants).Role);
        Assert.Equal(state.Results.DetectedUsers, loaded.Results.DetectedUsers);
        Assert.Equal(state.Statuses, loaded.Statuses);
        Assert.Equal(state.PlanFingerprints, loaded.PlanFingerprints);
        Assert.Equal(WizardStepId.OidcClient, loaded.CurrentStep);
        Assert.Equal(state.Journal, loaded.Journal);
    }

    [Fact]
    public async Task Save_WithSecrets_NoSecretTextInDatabaseOrKeyFiles()
    {
        var store = NewStore();
        var state = SampleState(Start);
        await store.SaveAsync(state, CancellationToken.None);
        state.Journal.Add(new JournalEntry(Start.AddMinutes(4), WizardStepId.PbsRealm, "create", ResourceKind.PbsRealm, "PocketID", JournalOutcome.Done));
        await store.SaveAsync(state, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(_store.Directory.Path, SqliteWizardStore.DatabaseFileName)));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_store.Directory.Path, "keys")));
        foreach (var secret in new[] { ApiKey, Password, Token, ClientSecret, "5d2e8c71-token-secret" })
        {
            Assert.Empty(_store.Directory.FilesContaining(secret));
        }

        // The non-secret inputs are stored (this proves the scan reads the database at all).
        Assert.NotEmpty(_store.Directory.FilesContaining("https://pbs.example.com:8007"));
    }

    [Fact]
    public async Task WipeSecrets_AfterSave_LoadsWithoutSecretsButKeepsEverythingElse()
    {
        var store = NewStore();
        var state = SampleState(Start);
        await store.SaveAsync(state, CancellationToken.None);

        await store.WipeSecretsAsync(state.RunId, CancellationToken.None);
        var loaded = await NewStore().LoadAsync(state.RunId, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Empty(WizardSecrets.All(loaded));
        Assert.Equal("client-123", loaded.Results.ClientId);
        Assert.Equal(2, loaded.Journal.Count);
    }

    [Fact]
    public async Task LoadActive_SeveralRuns_ReturnsNewestRunThatIsNeitherCompletedUndoneNorAbandoned()
    {
        var store = NewStore();
        var older = SampleState(Start);
        var active = SampleState(Start.AddHours(1));
        var completed = SampleState(Start.AddHours(2));
        completed.Completed = true;
        var undone = SampleState(Start.AddHours(3));
        undone.Undone = true;
        var abandoned = SampleState(Start.AddHours(4));
        abandoned.Abandoned = true;
        foreach (var run in new[] { older, active, completed, undone, abandoned })
        {
            await store.SaveAsync(run, CancellationToken.None);
        }

        var loaded = await NewStore().LoadActiveAsync(CancellationToken.None);
        var all = await store.ListAsync(CancellationToken.None);

        Assert.Equal(active.RunId, loaded?.RunId);
        Assert.Equal([abandoned.RunId, undone.RunId, completed.RunId, active.RunId, older.RunId], all.Select(r => r.RunId));
    }

    [Fact]
    public async Task LoadActive_EmptyDirectory_ReturnsNull()
    {
        Assert.Null(await NewStore().LoadActiveAsync(CancellationToken.None));
        Assert.Empty(await NewStore().ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Save_SecretRemoved_StoredStateFollows()
    {
        var store = NewStore();
        var state = SampleState(Start);
        await store.SaveAsync(state, CancellationToken.None);
        state.Pbs.Password = null;

        await store.SaveAsync(state, CancellationToken.None);
        var loaded = await store.LoadAsync(state.RunId, CancellationToken.None);

        Assert.Null(loaded!.Pbs.Password);
        Assert.Equal(ApiKey, loaded.PocketId.ApiKey?.Reveal());
    }

    [Fact]
    public async Task Save_OverlappingSavesOfOneRun_LastCalledWins()
    {
        var store = NewStore();
        var state = SampleState(Start);
        var saves = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            state.Realm.Name = $"Realm{i}";
            state.Journal.Add(new JournalEntry(Start.AddMinutes(10 + i), WizardStepId.Permissions, "create", ResourceKind.PbsAcl, $"acl-{i}", JournalOutcome.Done));
            saves.Add(store.SaveAsync(state, CancellationToken.None));
        }

        await Task.WhenAll(saves);
        var loaded = await NewStore().LoadAsync(state.RunId, CancellationToken.None);

        Assert.Equal("Realm4", loaded!.Realm.Name);
        Assert.Equal(7, loaded.Journal.Count);
    }

    [Fact]
    public async Task Session_RestartDuringRun_ResumesFromSqliteWithSecrets()
    {
        var steps = NoOpStep.All().ToList();
        var first = new WizardSession(steps, NewStore(), _store.Time, NullLogger<WizardSession>.Instance);
        await first.LoadOrStartAsync(CancellationToken.None);
        first.State.PocketId.ApiKey = new Secret(ApiKey);
        Assert.True((await first.RunCurrentStepAsync(CancellationToken.None)).Succeeded);
        Assert.True(first.MoveNext());
        await first.FlushAsync(CancellationToken.None);

        var second = new WizardSession(steps, NewStore(), _store.Time, NullLogger<WizardSession>.Instance);
        await second.LoadOrStartAsync(CancellationToken.None);

        Assert.Equal(first.State.RunId, second.State.RunId);
        Assert.Equal(WizardStepId.PbsConnection, second.CurrentStep.Id);
        Assert.Equal(StepStatus.Verified, second.StatusOf(WizardStepId.PocketIdConnection));
        Assert.Equal(ApiKey, second.State.PocketId.ApiKey?.Reveal());
    }

}
