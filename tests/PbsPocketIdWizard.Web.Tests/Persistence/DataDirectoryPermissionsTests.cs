using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Web.Persistence;
using PbsPocketIdWizard.Web.Tests.Support;
using Secret = PbsPocketIdWizard.Core.Security.Secret;

namespace PbsPocketIdWizard.Web.Tests.Persistence;

/// <summary>The data directory holds encrypted secrets and the Data Protection keys that decrypt them: owner-only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryPermissionsTests : IDisposable
{
    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly TempDirectory _dir = new();
    private readonly List<ServiceProvider> _providers = [];

    private string DataPath => Path.Combine(_dir.Path, "data");

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _dir.Dispose();
    }

    private ServiceProvider NewServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWizardPersistence(DataPath);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    [UnixFact]
    public async Task SaveWithSecret_FreshDirectory_KeysDirectoryIs0700AndDatabase0600()
    {
        var services = NewServices();
        var state = new WizardState { StartedAt = DateTimeOffset.UnixEpoch };
        state.PocketId.ApiKey = new Secret("pid-api-key-perm-test");

        // The secret is protected on save, so Data Protection writes its first key into keys/.
        await services.GetRequiredService<IWizardStateStore>().SaveAsync(state, CancellationToken.None);

        var keys = Path.Combine(DataPath, "keys");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(DataPath, SqliteWizardStore.DatabaseFileName)));
    }

    [UnixFact]
    public async Task Start_KeysDirectoryAndDatabaseLeftWideByAnOlderVersion_AreNarrowedToTheOwner()
    {
        Directory.CreateDirectory(Path.Combine(DataPath, "keys"));
        File.SetUnixFileMode(Path.Combine(DataPath, "keys"), (UnixFileMode)0b111_101_101);
        var database = Path.Combine(DataPath, SqliteWizardStore.DatabaseFileName);
        await File.WriteAllBytesAsync(database, []);
        File.SetUnixFileMode(database, (UnixFileMode)0b110_100_100);

        var services = NewServices();
        Assert.Empty(await services.GetRequiredService<IWizardStateStore>().ListAsync(CancellationToken.None));

        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(Path.Combine(DataPath, "keys")) & GroupAndOthers);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(database) & GroupAndOthers);
        // Still usable by its owner: Data Protection can write a key there.
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x"u8.ToArray());
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(DataPath, "keys"), "key-*.xml"));
    }
}
