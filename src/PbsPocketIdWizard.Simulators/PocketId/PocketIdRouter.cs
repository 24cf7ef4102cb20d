using System.Buffers.Text;
using Microsoft.AspNetCore.Http;

namespace PbsPocketIdWizard.Simulators.PocketId;

internal enum PocketIdAccess
{
    Public,
    AnyUser,
    Admin,
}

internal sealed record PocketIdRoute(string Method, string Pattern, PocketIdAccess Access, Func<PocketIdRequest, Task> Handler)
{
    public string[] Segments { get; } = Pattern.Trim('/').Split('/');
}

/// <summary>
/// A tiny gin-like router: exact segments and {params}, HEAD served by GET routes, trailing-slash redirects,
/// and 404 {"error":"API endpoint not found"} for unknown routes and wrong methods alike (§2, HandleMethodNotAllowed off).
/// </summary>
internal sealed class PocketIdRouter(IReadOnlyList<PocketIdRoute> routes)
{
    public async Task DispatchAsync(HttpContext http, PocketIdSimulatorState state)
    {
        var path = http.Request.Path.Value ?? "/";
        var method = HttpMethods.IsHead(http.Request.Method) ? HttpMethods.Get : http.Request.Method.ToUpperInvariant();
        if (state.Profile.StructuredErrors)
        {
            http.Response.Headers["X-Request-ID"] = PocketIdErrorWriter.RequestId(http);
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            http.Response.Headers.CacheControl = "private, no-store";
        }

        var match = Match(path, method);
        if (match is null && path.Length > 1 && path.EndsWith('/') && Match(path.TrimEnd('/'), method) is not null)
        {
            // gin RedirectTrailingSlash: 301 for GET, 307 otherwise (§2).
            http.Response.StatusCode = method == HttpMethods.Get ? StatusCodes.Status301MovedPermanently : StatusCodes.Status307TemporaryRedirect;
            http.Response.Headers.Location = path.TrimEnd('/') + http.Request.QueryString;
            return;
        }

        if (match is null)
        {
            if (path.StartsWith("/api/", StringComparison.Ordinal) || path == "/api" || path.StartsWith("/.well-known/", StringComparison.Ordinal))
            {
                await PocketIdErrorWriter.WriteEndpointNotFoundAsync(http);
            }
            else
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync("<!doctype html><html lang=\"en\"><head><title>Not found</title></head><body><main><h1>Page not found</h1></main></body></html>", http.RequestAborted);
            }

            return;
        }

        var (route, values) = match.Value;
        var request = new PocketIdRequest(http, state, values);
        try
        {
            if (route.Access != PocketIdAccess.Public)
            {
                request.User = PocketIdAuth.Authenticate(request, route.Access == PocketIdAccess.Admin);
            }

            await route.Handler(request);
        }
        catch (PocketIdApiError error) when (!http.Response.HasStarted)
        {
            await request.ErrorAsync(error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !http.Response.HasStarted)
        {
            // Never a stack trace on the wire; a 500 here is a simulator bug the tests should catch by status.
            await PocketIdErrorWriter.WriteAsync(http, state.Profile, 500, "internal_error", "Something went wrong");
        }
    }

    private (PocketIdRoute Route, Dictionary<string, string> Values)? Match(string path, string method)
    {
        var segments = (path.StartsWith('/') ? path[1..] : path).Split('/');
        foreach (var route in routes)
        {
            if (route.Method != method || route.Segments.Length != segments.Length)
            {
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var ok = true;
            for (var i = 0; i < segments.Length && ok; i++)
            {
                var pattern = route.Segments[i];
                if (pattern.StartsWith('{'))
                {
                    if (segments[i].Length == 0)
                    {
                        ok = false;
                        break;
                    }

                    values[pattern.Trim('{', '}')] = DecodeIdParameter(segments[i]);
                }
                else if (!string.Equals(pattern, segments[i], StringComparison.Ordinal))
                {
                    ok = false;
                }
            }

            if (ok)
            {
                return (route, values);
            }
        }

        return null;
    }

    /// <summary>§2: a path id starting with '~' is base64url (raw) of the real id (CIMD URL ids).</summary>
    private static string DecodeIdParameter(string segment)
    {
        if (!segment.StartsWith('~'))
        {
            return segment;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(segment.AsSpan(1)));
        }
        catch (FormatException)
        {
            return segment;
        }
    }
}

/// <summary>The §3.1 chain: session (cookie or Authorization) → X-API-Key (static, then stored) → 401/403 per §3.2.</summary>
internal static class PocketIdAuth
{
    public static SimUser Authenticate(PocketIdRequest request, bool adminRequired)
    {
        var user = FromSession(request) ?? FromApiKey(request)
            ?? throw new PocketIdApiError(401, "not_signed_in", "You are not signed in");
        if (user.Disabled)
        {
            throw new PocketIdApiError(403, "user_disabled", "User account is disabled");
        }

        if (adminRequired && !user.IsAdmin)
        {
            throw new PocketIdApiError(403, "forbidden", "You don't have permission to perform this action");
        }

        return user;
    }

    public static SimUser? FromSession(PocketIdRequest request)
    {
        var http = request.Http;
        string? token = http.Request.Cookies[request.State.SessionCookieName];
        if (string.IsNullOrEmpty(token))
        {
            // The scheme word is not checked: the token is whatever follows the first space (§3.1).
            var header = http.Request.Headers.Authorization.ToString();
            var space = header.IndexOf(' ', StringComparison.Ordinal);
            token = space >= 0 ? header[(space + 1)..].Trim() : null;
        }

        return !string.IsNullOrEmpty(token) && request.State.UserIdForSession(token) is { } id ? request.State.FindUser(id) : null;
    }

    private static SimUser? FromApiKey(PocketIdRequest request)
    {
        var key = request.Http.Request.Headers["X-API-Key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (request.State.StaticApiKey is { } staticKey && string.Equals(key, staticKey, StringComparison.Ordinal))
        {
            return request.State.EnsureStaticApiUser();
        }

        return request.State.UserIdForApiKey(key) is { } userId ? request.State.FindUser(userId) : null;
    }
}
