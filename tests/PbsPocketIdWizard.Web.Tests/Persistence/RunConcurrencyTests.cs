using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Persistence;

/// <summary>
/// Two writers on one run (a stale browser tab, the command line in another process): the stored run only moves
/// forward, a finished run stays finished, the journal only grows, and wiped secrets leave no bytes in wizard.db.
/// </summary>
public sealed class RunConcurrencyTests : IDisposable
{
    private const string ApiKey = "pid-api-key-concurrency-51c0";
    private const string Password = "pbs-password-concurrency-9Xq";

    private readonly StoreDirectory _store = new(new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero));

    public void Dispose() => _store.Dispose();

    /// <summary>A new store over the same directory, like a restart of the app or another process.</summary>
    private SqliteWizardStore NewStore() => _store.NewStore();

    private WizardSession NewSession(IWizardStateStore store) =>
        new(NoOpStep.All(), store, _store.Time, NullLogger<WizardSession>.Instance);

    private async Task<(WizardSession Fresh, WizardSession Stale)> TwoTabsOnOneRunAsync(IWizardStateStore freshStore, IWizardStateStore staleStore)
    {
        var fresh = NewSession(freshStore);
        await fresh.LoadOrStartAsync(CancellationToken.None);
        fresh.State.PocketId.Url = "https://id.example.com";
        fresh.State.PocketId.ApiKey = new Secret(ApiKey);
        fresh.State.Pbs.Password = new Secret(Password);
        await fresh.FlushAsync(CancellationToken.None);

        var stale = NewSession(staleStore);
        await stale.LoadOrStartAsync(CancellationToken.None);
        Assert.Equal(fresh.State.RunId, stale.State.RunId);
        return (fresh, stale);
    }

    [Fact]
    public async Task StaleTabSave_AfterRunCompletedElsewhere_RefusedRunStaysCompletedWithoutSecrets()
    {
        var store = NewStore();
        var (fresh, stale) = await TwoTabsOnOneRunAsync(store, store);
        await fresh.CompleteAsync(CancellationToken.None);

        stale.State.Realm.Name = "StaleEdit";
        var refused = await Assert.ThrowsAsync<WizardRunConflictException>(() => stale.FlushAsync(CancellationToken.None));

        var stored = await NewStore().LoadAsync(fresh.State.RunId, CancellationToken.None);
        Assert.True(stored!.Completed);
        Assert.Empty(WizardSecrets.All(stored));
        Assert.Null(await NewStore().LoadActiveAsync(CancellationToken.None));
        Assert.DoesNotContain("StaleEdit", stored.Realm.Name);
        Assert.Empty(_store.Directory.FilesContaining(ApiKey));
        Assert.Contains("another browser tab or by the command line", refused.Message, StringComparison.Ordinal);
        // The stale tab now shows the stored run and tells the admin why.
        Assert.True(stale.RunMovedOnElsewhere);
        Assert.True(stale.State.Completed);
    }

    [Fact]
    public async Task StaleTabSave_AfterOtherProcessJournaled_RefusedAndOtherWritersJournalKept()
    {
        // The CLI in another process (its own store) moves the run on; the web tab loaded it before.
        var (cli, webTab) = await TwoTabsOnOneRunAsync(NewStore(), NewStore());
        cli.State.Journal.Add(new JournalEntry(_store.Time.GetUtcNow(), WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "client-from-cli", JournalOutcome.Done));
        await cli.FlushAsync(CancellationToken.None);

        webTab.MoveNext();
        webTab.State.Client.Name = "Edited in the stale tab";
        await Assert.ThrowsAsync<WizardRunConflictException>(() => webTab.FlushAsync(CancellationToken.None));

        var stored = await NewStore().LoadAsync(cli.State.RunId, CancellationToken.None);
        Assert.Contains(stored!.Journal, e => e.ResourceId == "client-from-cli");
        Assert.NotEqual("Edited in the stale tab", stored.Client.Name);
        // After the reload the tab holds the CLI's journal, and its next save is accepted.
        Assert.Contains(webTab.State.Journal, e => e.ResourceId == "client-from-cli");
        webTab.State.Client.Name = "Edited after the reload";
        await webTab.FlushAsync(CancellationToken.None);
        Assert.Equal("Edited after the reload", (await NewStore().LoadAsync(cli.State.RunId, CancellationToken.None))!.Client.Name);
    }

    [Fact]
    public async Task Save_OwnSavesInARow_AllAcceptedAndRevisionGrows()
    {
        var store = NewStore();
        var session = NewSession(store);
        await session.LoadOrStartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            session.State.Realm.Name = $"Realm{i}";
            await session.FlushAsync(CancellationToken.None);
        }

        var stored = await NewStore().LoadAsync(session.State.RunId, CancellationToken.None);
        Assert.Equal("Realm4", stored!.Realm.Name);
        Assert.True(stored.Revision >= 6);
        Assert.False(session.RunMovedOnElsewhere);
    }

    [Fact]
    public async Task Save_JournalShorterThanStored_RefusedAndStoredJournalKept()
    {
        var store = NewStore();
        var state = new WizardState { StartedAt = _store.Time.GetUtcNow() };
        state.Journal.Add(new JournalEntry(_store.Time.GetUtcNow(), WizardStepId.PbsRealm, "create", ResourceKind.PbsRealm, "PocketID", JournalOutcome.Done));
        await store.SaveAsync(state, CancellationToken.None);

        state.Journal.Clear();
        await Assert.ThrowsAsync<WizardRunConflictException>(() => store.SaveAsync(state, CancellationToken.None));

        Assert.Single((await NewStore().LoadAsync(state.RunId, CancellationToken.None))!.Journal);
    }

    [Fact]
    public async Task WipeAfterCompletionAndUndo_SecretsSavedManyTimes_NoSecretOrEncryptedSecretBytesInDatabaseFile()
    {
        var store = NewStore();
        var session = NewSession(store);
        await session.LoadOrStartAsync(CancellationToken.None);
        session.State.PocketId.ApiKey = new Secret(ApiKey);
        session.State.Pbs.Password = new Secret(Password);

        // Every save encrypts the secrets anew (Data Protection uses a fresh IV): remember each encryption written.
        var encrypted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            session.State.Realm.Name = $"Realm{i}";
            await session.FlushAsync(CancellationToken.None);
            encrypted.UnionWith(await StoredEncryptedSecretsAsync(store.DatabasePath));
        }

        Assert.True(encrypted.Count >= 8, $"expected a fresh encryption per save, saw {encrypted.Count}");
        Assert.NotEmpty(_store.Directory.FilesContaining(encrypted.Last()));
        await session.CompleteAsync(CancellationToken.None);
        await session.UndoAsync(CancellationToken.None);

        foreach (var value in encrypted.Append(ApiKey).Append(Password))
        {
            Assert.Empty(_store.Directory.FilesContaining(value));
        }

        Assert.Empty(await StoredEncryptedSecretsAsync(store.DatabasePath));
    }

    [Fact]
    public void TryLockForApply_HeldByAnotherApply_ReturnsNullUntilReleased()
    {
        var directory = new WizardDataDirectory(_store.Directory.Path);
        using (var first = directory.TryLockForApply())
        {
            Assert.NotNull(first);
            Assert.Null(new WizardDataDirectory(_store.Directory.Path).TryLockForApply());
        }

        using var again = directory.TryLockForApply();
        Assert.NotNull(again);
    }

    private static async Task<List<string>> StoredEncryptedSecretsAsync(string databasePath)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT protected_value FROM secrets";
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

}
