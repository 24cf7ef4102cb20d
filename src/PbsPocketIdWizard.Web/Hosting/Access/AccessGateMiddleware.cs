using Microsoft.AspNetCore.Http.Extensions;

namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>
/// Runs before everything that serves content: pages, the Blazor hub (/_blazor and its negotiate), static files and
/// endpoints all answer 401 without the session cookie; /health alone stays open (status only).
/// </summary>
public sealed class AccessGateMiddleware(RequestDelegate next, AccessGate gate, ILogger<AccessGateMiddleware> logger)
{
    public const string HealthPath = "/health";

    private const string SignInNeededPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in needed</title></head>
        <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem;">
        <main><h1>Sign-in needed</h1><p>Open the sign-in link printed when the wizard started.</p></main>
        </body>
        </html>
        """;

    private const string ThrottledPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Too many attempts</title></head>
        <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem;">
        <main><h1>Too many attempts</h1><p>Too many wrong sign-in links. Wait a minute, then open the sign-in link printed when the wizard started.</p></main>
        </body>
        </html>
        """;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.Equals(HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue(AccessGate.TokenQueryName, out var tokens))
        {
            await SignInAsync(context, tokens.ToString());
            return;
        }

        if (gate.IsValidSession(request.Cookies[AccessGate.CookieName]))
        {
            await next(context);
            return;
        }

        await WritePageAsync(context, StatusCodes.Status401Unauthorized, SignInNeededPage);
    }

    private async Task SignInAsync(HttpContext context, string token)
    {
        var client = context.Connection.RemoteIpAddress;
        if (gate.IsThrottled(client))
        {
            context.Response.Headers.RetryAfter = ((int)AccessGate.FailureWindow.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WritePageAsync(context, StatusCodes.Status429TooManyRequests, ThrottledPage);
            return;
        }

        if (!gate.IsValidToken(token))
        {
            gate.RecordFailure(client);
            logger.LogWarning("Wrong access token from {Client}", client?.ToString() ?? "unknown");
            await WritePageAsync(context, StatusCodes.Status401Unauthorized, SignInNeededPage);
            return;
        }

        context.Response.Cookies.Append(AccessGate.CookieName, gate.SessionCookieValue, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });

        // Back to the same address without the token, so it leaves the address bar and the history.
        var query = QueryString.Create(context.Request.Query
            .Where(q => !string.Equals(q.Key, AccessGate.TokenQueryName, StringComparison.Ordinal))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))));
        var clean = UriHelper.BuildRelative(context.Request.PathBase, context.Request.Path, query);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(clean, permanent: false);
    }

    private static async Task WritePageAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }
}
