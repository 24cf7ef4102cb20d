using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PbsPocketIdWizard.Simulators.Faults;

/// <summary>The test hooks both simulators share: request log, fault injection and /_sim endpoints.</summary>
public static class SimulatorHooks
{
    public const string HookPrefix = "/_sim";

    /// <summary>
    /// Logs every request (method, path, status, duration) and applies armed faults. Register first in the pipeline.
    /// <paramref name="writeFaultBody"/> writes the simulator's own error body for a status fault.
    /// </summary>
    public static IApplicationBuilder UseSimulatorFaults(
        this IApplicationBuilder app, FaultPlan faults, RequestLog log, TimeProvider time,
        Func<HttpContext, int, string?, Task> writeFaultBody) =>
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var path = context.Request.Path.Value ?? "/";
            var isHook = path.StartsWith(HookPrefix, StringComparison.OrdinalIgnoreCase);
            try
            {
                var fault = isHook ? null : faults.TryTake(context.Request.Method, path);
                if (fault is null)
                {
                    await next(context);
                    return;
                }

                if (fault.DelayMs > 0)
                {
                    try
                    {
                        await Task.Delay(fault.DelayMs, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (fault.Drop)
                {
                    context.Abort();
                    return;
                }

                if (fault.DropAfter)
                {
                    // Run the request for real with the response buffered, then drop the connection unanswered.
                    var original = context.Response.Body;
                    using var buffer = new MemoryStream();
                    context.Response.Body = buffer;
                    try
                    {
                        await next(context);
                    }
                    finally
                    {
                        context.Response.Body = original;
                    }

                    context.Abort();
                    return;
                }

                if (fault.Status is { } status)
                {
                    context.Response.StatusCode = status;
                    await writeFaultBody(context, status, fault.Message);
                    return;
                }

                await next(context);
            }
            finally
            {
                if (!isHook)
                {
                    log.Record(new LoggedRequest(context.Request.Method, path, context.Response.StatusCode,
                        Stopwatch.GetElapsedTime(started).TotalMilliseconds, time.GetUtcNow()));
                }
            }
        });

    /// <summary>POST/DELETE /_sim/faults, POST /_sim/reset, GET /_sim/requests.</summary>
    public static IEndpointRouteBuilder MapSimulatorHooks(this IEndpointRouteBuilder endpoints, FaultPlan faults, RequestLog log, Action reset)
    {
        var hooks = endpoints.MapGroup(HookPrefix);
        hooks.MapPost("/faults", async (HttpContext context) =>
        {
            FaultRule? rule;
            try
            {
                rule = await JsonSerializer.DeserializeAsync<FaultRule>(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException ex)
            {
                return Results.BadRequest(new { error = $"invalid fault: {ex.Message}" });
            }

            if (rule is null || rule.Count < 1 || (rule.Status is null && rule.DelayMs <= 0 && !rule.Drop && !rule.DropAfter))
            {
                return Results.BadRequest(new { error = "a fault needs count >= 1 and one of status, delayMs, drop or dropAfter" });
            }

            faults.Add(rule);
            return Results.Json(new { armed = faults.Armed() });
        });
        hooks.MapGet("/faults", () => Results.Json(new { armed = faults.Armed() }));
        hooks.MapDelete("/faults", () =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        hooks.MapPost("/reset", () =>
        {
            faults.Clear();
            log.Clear();
            reset();
            return Results.NoContent();
        });
        hooks.MapGet("/requests", () => Results.Json(log.Snapshot()));
        return endpoints;
    }
}
