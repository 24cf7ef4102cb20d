using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>`/authorize` (§11.5, §11.6, §11.4, §8) and RP-initiated logout.</summary>
internal static class PocketIdAuthorize
{
    public const string InvalidCallbackMessage = "Invalid callback URL, it might be necessary for an admin to fix this.";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    internal static async Task<Dictionary<string, string>> AuthorizeParameters(HttpContext http)
    {
        var values = http.Request.Query.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            foreach (var (key, value) in form)
            {
                values[key] = value.ToString();
            }
        }

        return values;
    }

    internal static async Task Authorize(PocketIdRequest r)
    {
        var http = r.Http;
        var p = await AuthorizeParameters(http);
        var clientId = p.GetValueOrDefault("client_id");
        var client = string.IsNullOrEmpty(clientId) ? null : r.State.FindClient(clientId);
        if (client is null)
        {
            await ErrorPageAsync(http, 400, "invalid_client", "The requested OAuth 2.0 client does not exist.");
            return;
        }

        var requestedRedirect = p.GetValueOrDefault("redirect_uri");
        if (r.Profile.TofuCallbacks && (client.CallbackUrls is null || client.CallbackUrls.Count == 0) && !string.IsNullOrEmpty(requestedRedirect)
            && PocketIdValidation.IsValidCallbackPattern(requestedRedirect))
        {
            // v1.2.0 – v2.9.x trust on first use: the first redirect_uri seen is saved as the callback (§11.6).
            client = r.State.UpdateClient(client.Id, c => c with { CallbackUrls = [requestedRedirect] }) ?? client;
        }

        var redirect = CallbackUrlMatcher.Resolve(client.CallbackUrls, requestedRedirect);
        if (redirect is null)
        {
            // Never redirect to an unregistered URL: the error stays on Pocket ID's own page and no code is issued.
            await ErrorPageAsync(http, 400, "oidc_invalid_callback_url", InvalidCallbackMessage);
            return;
        }

        var state = p.GetValueOrDefault("state");
        var issuer = r.Issuer;
        if (p.GetValueOrDefault("response_type") != "code")
        {
            RedirectError(http, redirect, state, issuer, "unsupported_response_type", "The authorization server does not support obtaining a token using this method.");
            return;
        }

        if (client.RequiresPushedAuthorizationRequests)
        {
            RedirectError(http, redirect, state, issuer, "invalid_request", "Pushed Authorization Requests are required for this client.");
            return;
        }

        var challenge = p.GetValueOrDefault("code_challenge");
        var method = p.GetValueOrDefault("code_challenge_method");
        if (!string.IsNullOrEmpty(method) && method != "S256" && method != "plain")
        {
            RedirectError(http, redirect, state, issuer, "invalid_request", "The code_challenge_method is not supported, use S256 instead.");
            return;
        }

        if (string.IsNullOrEmpty(challenge) && (client.PkceEnabled || !string.IsNullOrEmpty(method)))
        {
            RedirectError(http, redirect, state, issuer, "invalid_request", "Clients must include a code_challenge when performing the authorize code flow, but it is missing.");
            return;
        }

        var user = PocketIdAuth.FromSession(r);
        if (user is null || user.Disabled)
        {
            if (p.GetValueOrDefault("prompt") == "none")
            {
                RedirectError(http, redirect, state, issuer, "login_required", "The end-user is not signed in.");
                return;
            }

            await PocketIdSignIn.SignInPageAsync(r, p);
            return;
        }

        if (!MayAuthorize(r.State, client, user))
        {
            RedirectError(http, redirect, state, issuer, "access_denied", "You are not allowed to access this service.");
            return;
        }

        var scopes = (p.GetValueOrDefault("scope") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(PocketIdTokens.KnownScopes.Contains).Distinct(StringComparer.Ordinal).ToList(); // unknown scopes ignored
        var now = r.State.Time.GetUtcNow();
        var code = PocketIdSimulatorState.RandomAlphanumeric(43);
        var pkceMethod = string.IsNullOrEmpty(challenge) ? null : (string.IsNullOrEmpty(method) ? "plain" : method);
        r.State.AddCode(new SimAuthCode(code, client.Id, user.Id, p.GetValueOrDefault("redirect_uri"), scopes, p.GetValueOrDefault("nonce"),
            pkceMethod is null ? null : challenge, pkceMethod, now, now + CodeLifetime));
        if (!string.IsNullOrEmpty(challenge) && !client.PkceEnabled && !client.PkceSupported)
        {
            r.State.UpdateClient(client.Id, c => c with { PkceSupported = true }); // v2.10+ UI hint (§11.4)
        }

        r.State.AuditLog.RecordAuthorization(client, user.Id, pkceMethod, http.Connection.RemoteIpAddress, http.Request.Headers.UserAgent.ToString());

        var parameters = new Dictionary<string, string?> { ["code"] = code, ["scope"] = string.Join(' ', scopes) };
        if (!string.IsNullOrEmpty(state))
        {
            parameters["state"] = state;
        }

        parameters["iss"] = issuer;
        http.Response.Redirect(QueryHelpers.AddQueryString(redirect, parameters));
    }

    /// <summary>§8: v2.0+ restricted iff isGroupRestricted; older iff the allowed list is non-empty.</summary>
    internal static bool MayAuthorize(PocketIdSimulatorState state, SimClient client, SimUser user)
    {
        var restricted = state.Profile.HasGroupRestrictedFlag ? client.IsGroupRestricted : client.AllowedGroupIds.Count > 0;
        return !restricted || state.GroupsOf(user.Id).Any(g => client.AllowedGroupIds.Contains(g.Id));
    }

    private static void RedirectError(HttpContext http, string redirect, string? state, string issuer, string error, string description)
    {
        var parameters = new Dictionary<string, string?> { ["error"] = error, ["error_description"] = description };
        if (!string.IsNullOrEmpty(state))
        {
            parameters["state"] = state;
        }

        parameters["iss"] = issuer;
        http.Response.Redirect(QueryHelpers.AddQueryString(redirect, parameters));
    }

    private static Task ErrorPageAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Error - Pocket ID</title></head>
            <body><main><h1>Something went wrong</h1>
            <p role="alert" data-error="{WebUtility.HtmlEncode(code)}">{WebUtility.HtmlEncode(message)}</p>
            </main></body></html>
            """;
        return http.Response.WriteAsync(html, Encoding.UTF8, http.RequestAborted);
    }

    /// <summary>Stand-in for the passkey login: one labelled button per demo user, continuing this authorize request.</summary>
    internal static async Task EndSession(PocketIdRequest r)
    {
        var p = await AuthorizeParameters(r.Http);
        r.Http.Response.Cookies.Delete(r.State.SessionCookieName);
        var target = p.GetValueOrDefault("post_logout_redirect_uri");
        var client = p.GetValueOrDefault("client_id") is { Length: > 0 } id ? r.State.FindClient(id) : null;
        if (!string.IsNullOrEmpty(target) && client is not null && CallbackUrlMatcher.Resolve(client.LogoutCallbackUrls, target) is { } logout)
        {
            var state = p.GetValueOrDefault("state");
            r.Http.Response.Redirect(string.IsNullOrEmpty(state) ? logout : QueryHelpers.AddQueryString(logout, "state", state));
            return;
        }

        r.Http.Response.StatusCode = 200;
        r.Http.Response.ContentType = "text/html; charset=utf-8";
        await r.Http.Response.WriteAsync("<!doctype html><html lang=\"en\"><head><title>Signed out - Pocket ID</title></head><body><main><h1>You have been signed out</h1></main></body></html>", r.Http.RequestAborted);
    }
}
