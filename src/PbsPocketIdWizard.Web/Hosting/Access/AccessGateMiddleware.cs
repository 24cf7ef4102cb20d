using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;

namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>
/// Runs before everything that serves content: pages, the Blazor hub (/_blazor and its negotiate), static files and
/// endpoints all answer 401 without a valid session cookie; /health alone stays open (status only). The token comes
/// from the sign-in link (?token=) or the sign-in form (POST /sign-in); POST /sign-out ends the session.
/// </summary>
public sealed class AccessGateMiddleware(RequestDelegate next, AccessGate gate, WrongTokenThrottle throttle, ILogger<AccessGateMiddleware> logger)
{
    public const string HealthPath = "/health";
    public const string SignInPath = "/sign-in";
    public const string SignOutPath = "/sign-out";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.Equals(HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && request.Path.Equals(SignOutPath, StringComparison.OrdinalIgnoreCase))
        {
            gate.SignOut(request.Cookies[AccessGate.CookieName]);
            context.Response.Cookies.Delete(AccessGate.CookieName, new CookieOptions { Path = "/", Secure = request.IsHttps, SameSite = SameSiteMode.Strict });
            await WritePageAsync(context, StatusCodes.Status200OK, AccessPages.SignedOut);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase) && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            await SignInAsync(context, form[AccessGate.TokenQueryName].ToString(), returnTo: "/");
            return;
        }

        if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue(AccessGate.TokenQueryName, out var tokens))
        {
            await SignInAsync(context, tokens.ToString(), CleanAddress(request));
            return;
        }

        if (gate.IsValidSession(request.Cookies[AccessGate.CookieName]))
        {
            await next(context);
            return;
        }

        await WritePageAsync(context, StatusCodes.Status401Unauthorized, AccessPages.SignInNeeded);
    }

    private async Task SignInAsync(HttpContext context, string token, string returnTo)
    {
        // The token is checked first: the throttle counts wrong tokens only, so it never locks out the admin.
        if (!gate.IsValidToken(token))
        {
            var client = context.Connection.RemoteIpAddress;
            if (!throttle.TryRecordWrongToken(client))
            {
                context.Response.Headers.RetryAfter = ((int)throttle.Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await WritePageAsync(context, StatusCodes.Status429TooManyRequests, AccessPages.Throttled);
                return;
            }

            logger.LogWarning("Wrong access token from {Client}", client?.ToString() ?? "unknown");
            await WritePageAsync(context, StatusCodes.Status401Unauthorized, AccessPages.SignInNeeded);
            return;
        }

        context.Response.Cookies.Append(AccessGate.CookieName, gate.IssueSession(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
            MaxAge = gate.SessionLifetime,
        });

        // Back to the page without the token, so it leaves the address bar and the history.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(returnTo, permanent: false);
    }

    /// <summary>The requested address without the token (other query values kept).</summary>
    private static string CleanAddress(HttpRequest request)
    {
        var query = QueryString.Create(request.Query
            .Where(q => !string.Equals(q.Key, AccessGate.TokenQueryName, StringComparison.Ordinal))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))));
        return UriHelper.BuildRelative(request.PathBase, request.Path, query);
    }

    private static async Task WritePageAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }
}
