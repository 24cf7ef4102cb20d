using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Core;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Components;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Web.Hosting.Access;
using PbsPocketIdWizard.Web.Prefill;
using Serilog;
using PbsPocketIdWizard.Core.Clients;

namespace PbsPocketIdWizard.Web.Hosting;

public static class WebHostingExtensions
{
    /// <summary>Everything the web wizard needs: logging, options, the access gate, MudBlazor, Razor components, health.</summary>
    public static WebApplicationBuilder AddWizardWeb(this WebApplicationBuilder builder)
    {
        // Serilog from the "Serilog" section. No bootstrap logger: start-up failures go to stderr in WizardWebHost.
        // The static Log.Logger is left alone so several hosts in one test process never share or close it.
        builder.Services.AddSerilog(
            (services, logger) => logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Destructure.ByTransforming<Secret>(_ => "***"),
            preserveStaticLogger: true);

        builder.Services.AddOptions<WizardOptions>()
            .BindConfiguration(WizardOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddSingleton<AccessGate>();
        builder.Services.AddSingleton<WrongTokenThrottle>();

        // Demo mode: both simulators in-process; the prefill reads their addresses for a fresh run, and the engine may
        // talk to them only (registered before the engine, whose default is any address).
        // Hosted services start side by side: demo mode's simulators come up while Kestrel does (the first page waits
        // for them), instead of before it. The host's start still waits for, and fails with, each of them.
        builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);
        builder.Services.AddSingleton<DemoSimulators>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSimulators>());
        builder.Services.AddSingleton<IServerAddressPolicy>(sp => sp.GetRequiredService<DemoSimulators>());
        builder.Services.AddSingleton<WizardPrefill>();

        // The engine, one session per circuit, the SQLite journal (secrets via Data Protection) under the data
        // directory: Wizard:DataDirectory for live runs, its demo/ subdirectory for demo runs (never shared).
        builder.Services.AddWizardCore();
        builder.Services.AddWizardSession();
        var configured = builder.Configuration.GetSection(WizardOptions.SectionName).Get<WizardOptions>() ?? new WizardOptions();
        builder.Services.AddWizardPersistence(configured.RunsDirectory);
        builder.Services.AddHostedService<JournalWarmup>();
        builder.Services.AddScoped<WizardLookups>();
        builder.Services.AddScoped<WizardViewModel>();

        if (string.Equals(builder.Configuration[TrustedProxies.AnyProxySetting], "true", StringComparison.OrdinalIgnoreCase))
        {
            // That switch believes X-Forwarded-For from anyone: a client could pick the address the throttle sees.
            throw new OptionsValidationException(WizardOptions.SectionName, typeof(WizardOptions),
                ["ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts every sender; remove it and list your reverse proxy in Wizard__TrustedProxies instead."]);
        }

        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<WizardOptions>>((forwarded, wizard) => TrustedProxies.Configure(forwarded, wizard.Value.TrustedProxies));

        builder.Services.AddHealthChecks();
        builder.Services.AddMudServices();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        return builder;
    }

    /// <summary>The request pipeline. The access gate runs before anything that serves content; /health stays open.</summary>
    public static WebApplication UseWizardWeb(this WebApplication app)
    {
        // Forwarded headers once, only from the configured proxies (a connection without an address, such as a test
        // server's, never counts as one: ASP.NET Core would believe it).
        // (ASP.NET Core's middleware believes every sender when no proxy is listed, so it is only added with a list.)
        if (TrustedProxies.Entries(app.Configuration[TrustedProxies.ConfigurationKey]).Count > 0)
        {
            app.UseWhen(context => context.Connection.RemoteIpAddress is not null, branch => branch.UseForwardedHeaders());
        }

        app.UseMiddleware<BrowserHardeningMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseMiddleware<AccessGateMiddleware>();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseSerilogRequestLogging();
        app.UseAntiforgery();

        app.MapHealthChecks(AccessGateMiddleware.HealthPath);
        app.MapStaticAssets();
        // BrowserHardeningMiddleware sends the one Content-Security-Policy (frame-ancestors 'none'); Blazor's own
        // second header (frame-ancestors 'self') would only repeat a weaker rule.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

        app.Lifetime.ApplicationStarted.Register(() => PrintSignInLinks(app));
        return app;
    }

    private static void PrintSignInLinks(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0)
        {
            return; // in-memory test server: nobody to print a link for
        }

        var gate = app.Services.GetRequiredService<AccessGate>();
        var options = app.Services.GetRequiredService<IOptions<WizardOptions>>().Value;
        var links = gate.SetSignInLinks(addresses, options.PublicHost);
        if (!gate.TokenIsGenerated)
        {
            // A configured token is never printed (it would sit in `docker logs`); say where it comes from instead.
            foreach (var address in AccessGate.PublicAddresses(addresses, options.PublicHost))
            {
                Console.Out.WriteLine($"Open {address} and sign in with the access token from {gate.TokenSource}");
            }

            return;
        }

        // Straight to the console, once: the link carries the token, so it must not travel with the structured logs.
        foreach (var link in links)
        {
            Console.Out.WriteLine($"Open {link}");
        }
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
