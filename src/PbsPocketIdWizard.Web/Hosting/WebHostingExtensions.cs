using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using PbsPocketIdWizard.Core;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Components;
using PbsPocketIdWizard.Web.Hosting.Access;
using Serilog;

namespace PbsPocketIdWizard.Web.Hosting;

public static class WebHostingExtensions
{
    /// <summary>Everything the web wizard needs: logging, options, the access gate, MudBlazor, Razor components, health.</summary>
    public static WebApplicationBuilder AddWizardWeb(this WebApplicationBuilder builder)
    {
        // Serilog from the "Serilog" section. No bootstrap logger: start-up failures go to stderr in WebHost.
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

        // The engine, one session per circuit, the SQLite journal (secrets via Data Protection) under Wizard:DataDirectory.
        builder.Services.AddWizardCore();
        builder.Services.AddWizardSession();
        builder.Services.AddWizardPersistence(builder.Configuration);
        builder.Services.AddScoped<WizardLookups>();
        builder.Services.AddScoped<WizardViewModel>();

        // Demo mode: both simulators in-process; the prefill reads their addresses for a fresh run.
        builder.Services.AddSingleton<DemoSimulators>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSimulators>());
        builder.Services.AddSingleton<WizardPrefill>();

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

        builder.Services.AddHealthChecks();
        builder.Services.AddMudServices();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        return builder;
    }

    /// <summary>The request pipeline. The access gate runs before anything that serves content; /health stays open.</summary>
    public static WebApplication UseWizardWeb(this WebApplication app)
    {
        app.UseForwardedHeaders();
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
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

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
        // Straight to the console, once: the link carries the token, so it must not travel with the structured logs.
        foreach (var link in gate.SetSignInLinks(addresses, options.PublicHost))
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
