using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>The stand-in for the passkey login: a page with one button per demo user and the `/_sim/sign-in` hook behind it.</summary>
internal static class PocketIdSignIn
{
    internal static Task SignInPageAsync(PocketIdRequest r, Dictionary<string, string> parameters)
    {
        var returnUrl = QueryHelpers.AddQueryString("/authorize", parameters.Select(kv => new KeyValuePair<string, StringValues>(kv.Key, kv.Value)));
        var buttons = new StringBuilder();
        foreach (var user in r.State.Users.Where(u => !u.Disabled && u.Id != PocketIdSimulatorState.StaticApiUserId))
        {
            buttons.Append($"""
                <li><form method="post" action="/_sim/sign-in">
                <input type="hidden" name="username" value="{WebUtility.HtmlEncode(user.Username)}">
                <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl)}">
                <button type="submit">Sign in as {WebUtility.HtmlEncode(user.Username)}</button>
                </form></li>
                """);
        }

        r.Http.Response.StatusCode = 200;
        r.Http.Response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in - Pocket ID</title></head>
            <body><main><h1>Sign in to Pocket ID</h1>
            <p>Simulator: choose a demo user instead of a passkey.</p>
            <ul>{buttons}</ul>
            </main></body></html>
            """;
        return r.Http.Response.WriteAsync(html, Encoding.UTF8, r.Http.RequestAborted);
    }

    internal static async Task SignIn(PocketIdRequest r)
    {
        var http = r.Http;
        if (!http.Request.HasFormContentType)
        {
            await r.JsonAsync(400, new JsonObject { ["error"] = "form with username expected" });
            return;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var user = r.State.FindUserByUsername(form["username"].ToString());
        if (user is null || user.Disabled)
        {
            await r.JsonAsync(user is null ? 400 : 403, new JsonObject { ["error"] = user is null ? "unknown user" : "user is disabled" });
            return;
        }

        var returnUrl = form["returnUrl"].ToString();
        if (returnUrl.Length > 0 && (!returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal) || returnUrl.StartsWith("/\\", StringComparison.Ordinal)))
        {
            await r.JsonAsync(400, new JsonObject { ["error"] = "returnUrl must be a local path" });
            return;
        }

        r.State.AuditLog.RecordSignIn(user.Id, http.Connection.RemoteIpAddress, http.Request.Headers.UserAgent.ToString());
        http.Response.Cookies.Append(r.State.SessionCookieName, r.State.CreateSession(user.Id), new CookieOptions
        {
            HttpOnly = true,
            Path = "/",
            SameSite = SameSiteMode.Lax,
            Secure = r.State.SessionCookieName.StartsWith("__Host-", StringComparison.Ordinal),
        });
        if (returnUrl.Length > 0)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = returnUrl;
            return;
        }

        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>RP-initiated logout: ends the session; redirects only to a registered logout callback.</summary>
    internal static Task SignOut(PocketIdRequest r)
    {
        r.Http.Response.Cookies.Delete(r.State.SessionCookieName);
        r.Http.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
