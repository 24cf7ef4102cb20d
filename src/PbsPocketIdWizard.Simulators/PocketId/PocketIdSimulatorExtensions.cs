using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Simulators.Faults;

namespace PbsPocketIdWizard.Simulators.PocketId;

public static class PocketIdSimulatorExtensions
{
    /// <summary>Key under which this simulator's own FaultPlan / RequestLog are registered (keyed services).</summary>
    public const string ServiceKey = "pocket-id";

    public static IServiceCollection AddPocketIdSimulator(this IServiceCollection services, PocketIdSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new PocketIdSimulatorState(options);
        services.AddSingleton(options);
        services.AddSingleton(state);
        services.AddKeyedSingleton(ServiceKey, state.Faults);
        services.AddKeyedSingleton(ServiceKey, state.Requests);
        return services;
    }

    /// <summary>Fault/request-log middleware, /_sim hooks, then every Pocket ID route through the gin-like router (404 JSON fallback).</summary>
    public static WebApplication MapPocketIdSimulator(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<PocketIdSimulatorState>();
        app.UseSimulatorFaults(state.Faults, state.Requests, state.Time,
            (context, status, message) => PocketIdErrorWriter.WriteFaultAsync(context, state.Profile, status, message));
        app.MapSimulatorHooks(state.Faults, state.Requests, state.Reset);
        var router = new PocketIdRouter([.. PocketIdAdminApi.Routes(state.Profile), .. PocketIdAuditLogApi.Routes(), .. PocketIdOidc.Routes(state.Profile)]);
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            // Endpoint routing already matched a shared /_sim hook: let it run.
            if (context.GetEndpoint() is not null)
            {
                await next(context);
                return;
            }

            await router.DispatchAsync(context, state);
        });
        return app;
    }
}
