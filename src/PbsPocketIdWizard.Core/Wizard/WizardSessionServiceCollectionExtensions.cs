using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PbsPocketIdWizard.Core.Wizard;

public static class WizardSessionServiceCollectionExtensions
{
    /// <summary>
    /// The session (scoped: one per Blazor circuit or CLI command) and TimeProvider. The steps come from AddWizardCore();
    /// the store from the host (SQLite in Web, or <see cref="InMemoryWizardStateStore"/>).
    /// </summary>
    public static IServiceCollection AddWizardSession(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<WizardSession>();
        return services;
    }
}
