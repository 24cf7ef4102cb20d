using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>What a handler returns: `data`, top-level result attributes (e.g. `digest`) and the ticket envelope flag.</summary>
internal sealed class PbsResult(JsonNode? data)
{
    public JsonNode? Data { get; } = data;

    public Dictionary<string, JsonNode?> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>access/ticket and openid/login build `{data, status:200, success:true}` by hand (pbs-api.md §1).</summary>
    public bool TicketEnvelope { get; init; }

    public List<string> SetCookies { get; } = [];

    public PbsResult WithDigest(string digest)
    {
        Attributes["digest"] = digest;
        return this;
    }
}

internal sealed record PbsRequest(
    HttpContext Http, PbsSimulatorState State, PbsCaller? Caller, PbsParameters Params, IReadOnlyDictionary<string, string> PathParams);

/// <summary>The `/api2/{format}/...` pipeline: route, authenticate, check permissions, verify parameters, run the handler.</summary>
internal sealed class PbsApi(PbsSimulatorState state, PbsOpenIdClient openId)
{
    public const string JsonContentType = "application/json;charset=UTF-8";

    private readonly Dictionary<(string Template, string Method), Func<PbsRequest, Task<PbsResult>>> _handlers =
        PbsHandlers.Create(openId);

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var rawPath = context.Request.Path.Value ?? "/";
        var segments = rawPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            await WritePlainErrorAsync(context, 404, "invalid api path '/api2'");
            return;
        }

        var format = segments[1];
        var extjs = format == "extjs";
        if (format != "json" && !extjs)
        {
            await WritePlainErrorAsync(context, 400, $"Unsupported output format '{format}'.");
            return;
        }

        if (rawPath.Length + context.Request.QueryString.Value?.Length > 3072)
        {
            context.Response.StatusCode = 414;
            return;
        }

        var apiSegments = segments[2..];
        var method = context.Request.Method;
        var match = state.Schema.Match(apiSegments);
        var methodSchema = match is { } m ? state.Schema.Methods(m.Template)?.GetValueOrDefault(method) : null;
        var subdirs = methodSchema is null && method == HttpMethods.Get ? state.Schema.Subdirs(apiSegments) : [];
        var isIndex = methodSchema is null && (apiSegments.Length == 0 || subdirs.Count > 0) && method == HttpMethods.Get;

        try
        {
            PbsCaller? caller = null;
            if (methodSchema?.Permission is not PbsPermission.World)
            {
                caller = Authenticate(context);
                if (caller is null)
                {
                    await DelayAsync(started, state.Options.AuthFailureDelay, context);
                    context.Response.StatusCode = 401;
                    context.Response.Headers.Append("Set-Cookie", state.ClearTicketCookie);
                    await context.Response.WriteAsync("authentication failed", context.RequestAborted);
                    return;
                }
            }

            if (isIndex)
            {
                var index = new JsonArray(subdirs.Select(s => (JsonNode)new JsonObject { ["subdir"] = s }).ToArray());
                await WriteSuccessAsync(context, new PbsResult(index), extjs);
                return;
            }

            if (methodSchema is null || !_handlers.TryGetValue((methodSchema.PathTemplate, method), out var handler))
            {
                var status = methodSchema is null ? 404 : 501;
                var message = methodSchema is null ? $"Path '{rawPath}' not found." : "method not implemented by the PBS simulator";
                await WriteErrorAsync(context, new PbsApiException(status, message), extjs, started);
                return;
            }

            var pathParams = match!.Value.PathParams;
            bool allowed;
            lock (state.Sync)
            {
                allowed = caller is null || IsAllowed(methodSchema.Permission, caller, pathParams);
            }

            if (!allowed)
            {
                throw new PbsApiException(403, "permission check failed");
            }

            var parameters = await PbsParameters.ReadAsync(context, methodSchema, pathParams);
            var result = await handler(new PbsRequest(context, state, caller, parameters, pathParams));
            await WriteSuccessAsync(context, result, extjs);
        }
        catch (PbsApiException ex)
        {
            await WriteErrorAsync(context, ex, extjs, started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
        {
            // PBS answers any non-HTTP error with 400 and its message; never a 500 page or a stack trace.
            await WriteErrorAsync(context, new PbsApiException(400, ex.Message), extjs, started);
        }
    }

    /// <summary>Ticket cookie (by the names this version reads) + CSRF on non-GET, else an API token header (pbs-api.md §2.1, §2.3).</summary>
    private PbsCaller? Authenticate(HttpContext context)
    {
        var ticket = state.TicketFromCookies(context.Request.Cookies);
        if (!string.IsNullOrEmpty(ticket))
        {
            var userId = state.Tickets.VerifyTicket(Uri.UnescapeDataString(ticket));
            if (userId is null)
            {
                return null;
            }

            lock (state.Sync)
            {
                if (state.FindUser(userId) is not { } user || !state.IsActive(user))
                {
                    return null;
                }
            }

            if (context.Request.Method != HttpMethods.Get
                && !state.Tickets.VerifyCsrfToken(context.Request.Headers["CSRFPreventionToken"].FirstOrDefault(), userId))
            {
                return null;
            }

            return new PbsCaller(userId, false);
        }

        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        if (authorization is null || !authorization.StartsWith("PBSAPIToken", StringComparison.Ordinal)
            || authorization.Length < 12 || authorization[11] is not ('=' or ' '))
        {
            return null;
        }

        var value = authorization[12..];
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var tokenId = value[..colon];
        var secret = Uri.UnescapeDataString(value[(colon + 1)..]);
        lock (state.Sync)
        {
            return state.FindToken(tokenId) is { } token && state.IsActive(token)
                && PbsSimulatorState.SecretMatches(token.SecretHash, secret)
                ? new PbsCaller(tokenId, true)
                : null;
        }
    }

    private bool IsAllowed(PbsPermission permission, PbsCaller caller, IReadOnlyDictionary<string, string> pathParams) =>
        permission switch
        {
            PbsPermission.World or PbsPermission.AnyAuthenticated => true,
            PbsPermission.Superuser => caller.IsRoot,
            PbsPermission.Privileges p => PbsAccess.Has(state, caller.AuthId, p.Path, p.Privs, p.Partial),
            PbsPermission.UserParam u => !caller.IsToken && pathParams.TryGetValue(u.Name, out var v) && v == caller.UserId,
            PbsPermission.Or or => or.Alternatives.Any(a => IsAllowed(a, caller, pathParams)),
            _ => false,
        };

    private static async Task DelayAsync(long started, TimeSpan delay, HttpContext context)
    {
        var remaining = delay - Stopwatch.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(remaining, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // client went away; the answer is moot
            }
        }
    }

    private static async Task WriteSuccessAsync(HttpContext context, PbsResult result, bool extjs)
    {
        var body = new JsonObject { ["data"] = result.Data?.DeepClone() };
        if (result.TicketEnvelope || extjs)
        {
            body["status"] = 200;
            body["success"] = true;
        }

        foreach (var (key, value) in result.Attributes)
        {
            body[key] = value?.DeepClone();
        }

        foreach (var cookie in result.SetCookies)
        {
            context.Response.Headers.Append("Set-Cookie", cookie);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    private async Task WriteErrorAsync(HttpContext context, PbsApiException ex, bool extjs, long started)
    {
        if (ex.Status == 401)
        {
            await DelayAsync(started, state.Options.AuthFailureDelay, context);
        }
        else if (ex.Status == 403)
        {
            await DelayAsync(Stopwatch.GetTimestamp(), state.Options.ForbiddenDelay, context);
        }

        context.Response.ContentType = JsonContentType;
        if (extjs)
        {
            var errors = new JsonObject();
            foreach (var (name, reason) in ex.ParameterErrors)
            {
                errors[name] = reason;
            }

            var body = new JsonObject
            {
                ["message"] = ex.ParameterErrors.Count > 0 ? "parameter verification errors" : ex.Message,
                ["errors"] = errors,
                ["success"] = false,
                ["status"] = ex.Status,
            };
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
            return;
        }

        context.Response.StatusCode = ex.Status;
        if (ex.Status == 401)
        {
            context.Response.Headers.Append("Set-Cookie", state.ClearTicketCookie);
        }

        await context.Response.WriteAsync(ex.Message, Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>A plain-text PBS error (also the body of injected status faults).</summary>
    public static async Task WritePlainErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(message, Encoding.UTF8, context.RequestAborted);
    }

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
