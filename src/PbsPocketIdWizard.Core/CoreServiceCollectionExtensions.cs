using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The engine: API client factory, the two named HttpClients, and the wizard steps. Tests pass
    /// <paramref name="configure"/> to swap the primary handlers (e.g. for TestServer handlers) or shorten timeouts.
    /// </summary>
    public static IServiceCollection AddWizardCore(this IServiceCollection services, Action<WizardHttpOptions>? configure = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        var optionsBuilder = services.AddOptions<WizardHttpOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        // Flurl enforces WizardHttpOptions.RequestTimeout per call; the HttpClient's own 100 s limit is switched off so
        // the two do not race. Writes are never retried automatically (no resilience handler on these clients), and
        // redirects are never followed (the API key would go wherever a 3xx points). PBS's handlers are made per
        // address and pin by ApiClientFactory.
        services.AddHttpClient(PocketIdClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
                sp.GetRequiredService<IOptions<WizardHttpOptions>>().Value.PocketIdPrimaryHandler?.Invoke()
                ?? new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });

        // Live unless the host says otherwise (demo mode registers its simulators' addresses first).
        services.TryAddSingleton<IServerAddressPolicy, AnyServerAddress>();
        services.TryAddSingleton<ApiClientFactory>();
        services.TryAddSingleton<RunJournal>();

        // One poller per run for the sign-in pause, shared by every tab and command waiting on it.
        services.TryAddSingleton<SignInWatcher>();
        services.TryAddSingleton<FirstSignInStep>();
        services.TryAddSingleton<SignInUserIdPreviewer>();
        services.TryAddSingleton<SignInDiagnosis>();
        services.AddSingleton<IWizardStep, PocketIdConnectionStep>();
        services.AddSingleton<IWizardStep, PbsConnectionStep>();
        services.AddSingleton<IWizardStep, OidcClientStep>();
        services.AddSingleton<IWizardStep, PbsRealmStep>();
        services.AddSingleton<IWizardStep>(sp => sp.GetRequiredService<FirstSignInStep>());
        services.AddSingleton<IWizardStep, PermissionsStep>();
        services.AddSingleton<IWizardStep, SummaryStep>();
        return services;
    }
}
