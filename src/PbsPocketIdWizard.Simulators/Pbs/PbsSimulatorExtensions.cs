using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PbsPocketIdWizard.Simulators.Faults;

namespace PbsPocketIdWizard.Simulators.Pbs;

public static class PbsSimulatorExtensions
{
    /// <summary>Key under which this simulator's own FaultPlan / RequestLog are registered (keyed services).</summary>
    public const string ServiceKey = "pbs";

    public static IServiceCollection AddPbsSimulator(this IServiceCollection services, PbsSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PbsSimulatorState(options, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(ServiceKey, (sp, _) => sp.GetRequiredService<PbsSimulatorState>().Faults);
        services.AddKeyedSingleton(ServiceKey, (sp, _) => sp.GetRequiredService<PbsSimulatorState>().Requests);
        services.AddSingleton(sp => new PbsOpenIdClient(sp.GetRequiredService<PbsSimulatorState>()));
        services.AddSingleton(sp => new PbsApi(sp.GetRequiredService<PbsSimulatorState>(), sp.GetRequiredService<PbsOpenIdClient>()));
        return services;
    }

    /// <summary>Fault/request-log middleware, the /_sim hooks, /api2/** and the login page at "/". Call before other middleware.</summary>
    public static WebApplication MapPbsSimulator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var state = app.Services.GetRequiredService<PbsSimulatorState>();
        var api = app.Services.GetRequiredService<PbsApi>();
        app.UseSimulatorFaults(state.Faults, state.Requests, state.Time, (context, status, message) =>
            PbsApi.WritePlainErrorAsync(context, status, string.IsNullOrEmpty(message) ? ReasonPhrases.GetReasonPhrase(status) : message));
        app.MapSimulatorHooks(state.Faults, state.Requests, state.Reset);
        app.Map("/api2", api.HandleAsync);
        app.Map("/api2/{**rest}", api.HandleAsync);
        app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Content(PbsLoginPage.Html(state.Options.NodeName), "text/html; charset=utf-8");
        });
        return app;
    }
}
