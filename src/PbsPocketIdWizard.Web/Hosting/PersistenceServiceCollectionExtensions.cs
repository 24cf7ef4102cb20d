using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;

namespace PbsPocketIdWizard.Web.Hosting;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// SQLite run journal under the data directory, with secrets encrypted by Data Protection whose keys live in
    /// {dataDirectory}/keys. Replaces any other <see cref="IWizardStateStore"/>.
    /// </summary>
    public static IServiceCollection AddWizardPersistence(this IServiceCollection services, string dataDirectory)
    {
        var directory = new WizardDataDirectory(dataDirectory);
        directory.EnsureExists();
        services.AddDataProtection()
            .SetApplicationName("PbsPocketIdWizard")
            .PersistKeysToFileSystem(new DirectoryInfo(directory.KeysPath));
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<WizardDataDirectory>();
        services.AddSingleton(directory);
        services.RemoveAll<IWizardStateStore>();
        services.AddSingleton<SqliteWizardStore>();
        services.AddSingleton<IWizardStateStore>(sp => sp.GetRequiredService<SqliteWizardStore>());
        return services;
    }
}
