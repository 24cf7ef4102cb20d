using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>The OIDC protocol side (§11): discovery, JWKS, /authorize, token, userinfo; errors in RFC 6749 shape.</summary>
internal static class PocketIdOidc
{
    public const string InvalidCallbackMessage = "Invalid callback URL, it might be necessary for an admin to fix this.";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public static IEnumerable<PocketIdRoute> Routes(PocketIdProfile profile)
    {
        yield return new("GET", "/.well-known/openid-configuration", PocketIdAccess.Public, r => r.JsonAsync(200, Discovery(r)));
        if (profile.MultiSecrets)
        {
            yield return new("GET", "/.well-known/oauth-authorization-server", PocketIdAccess.Public, r => r.JsonAsync(200, Discovery(r)));
        }

        yield return new("GET", "/.well-known/jwks.json", PocketIdAccess.Public, r => r.JsonAsync(200, PocketIdTokens.Jwks(r.State)));
        yield return new("GET", "/authorize", PocketIdAccess.Public, Authorize);
        yield return new("POST", "/authorize", PocketIdAccess.Public, Authorize);
        yield return new("POST", "/api/oidc/token", PocketIdAccess.Public, Token);
        yield return new("GET", "/api/oidc/userinfo", PocketIdAccess.Public, UserInfo);
        yield return new("POST", "/api/oidc/userinfo", PocketIdAccess.Public, UserInfo);
        yield return new("GET", "/api/oidc/end-session", PocketIdAccess.Public, EndSession);
        yield return new("POST", "/api/oidc/end-session", PocketIdAccess.Public, EndSession);
        yield return new("POST", "/_sim/sign-in", PocketIdAccess.Public, SignIn);
        yield return new("POST", "/_sim/sign-out", PocketIdAccess.Public, SignOut);
    }

    private static JsonArray Strings(params string[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>§11.1: issuer = APP_URL exactly (no trailing slash), endpoints as Pocket ID names them.</summary>
    private static JsonObject Discovery(PocketIdRequest r)
    {
        var issuer = r.Issuer;
        var doc = new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "/authorize",
            ["token_endpoint"] = issuer + "/api/oidc/token",
            ["userinfo_endpoint"] = issuer + "/api/oidc/userinfo",
            ["end_session_endpoint"] = issuer + "/api/oidc/end-session",
            ["introspection_endpoint"] = issuer + "/api/oidc/introspect",
            ["introspection_endpoint_auth_methods_supported"] = Strings("client_secret_basic", "Bearer"),
            ["device_authorization_endpoint"] = issuer + "/api/oidc/device/authorize",
            ["jwks_uri"] = issuer + "/.well-known/jwks.json",
            ["grant_types_supported"] = Strings("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "client_credentials"),
            ["scopes_supported"] = Strings(PocketIdTokens.KnownScopes),
            ["claims_supported"] = Strings("sub", "given_name", "family_name", "name", "display_name", "email", "email_verified", "preferred_username", "picture", "groups", "auth_time", "amr"),
            ["response_types_supported"] = Strings("code"),
            ["response_modes_supported"] = Strings("query", "fragment", "form_post"),
            ["subject_types_supported"] = Strings("public"),
            ["id_token_signing_alg_values_supported"] = Strings("RS256"),
            ["authorization_response_iss_parameter_supported"] = true,
            ["code_challenge_methods_supported"] = Strings("plain", "S256"),
            ["request_parameter_supported"] = true,
            ["request_uri_parameter_supported"] = false,
            ["request_object_signing_alg_values_supported"] = Strings("none"),
            ["prompt_values_supported"] = Strings("none", "login", "consent", "select_account"),
        };
        if (r.Profile.DiscoveryListsAuthMethods)
        {
            doc["token_endpoint_auth_methods_supported"] = Strings("client_secret_basic", "client_secret_post", "none");
        }

        doc["pushed_authorization_request_endpoint"] = issuer + "/api/oidc/par";
        doc["require_pushed_authorization_requests"] = false;
        doc["client_id_metadata_document_supported"] = false;
        if (r.Profile.MultiSecrets)
        {
            doc["service_documentation"] = "https://pocket-id.org/docs";
        }

        return doc;
    }

    // ---------- /authorize (§11.5, §11.6, §11.4, §8) ----------

    private static async Task<Dictionary<string, string>> AuthorizeParameters(HttpContext http)
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

    private static async Task Authorize(PocketIdRequest r)
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

            await SignInPageAsync(r, p);
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
        r.State.AddCode(new SimAuthCode(code, client.Id, user.Id, p.GetValueOrDefault("redirect_uri"), scopes, p.GetValueOrDefault("nonce"),
            string.IsNullOrEmpty(challenge) ? null : challenge, string.IsNullOrEmpty(challenge) ? null : (string.IsNullOrEmpty(method) ? "plain" : method),
            now, now + CodeLifetime));
        if (!string.IsNullOrEmpty(challenge) && !client.PkceEnabled && !client.PkceSupported)
        {
            r.State.UpdateClient(client.Id, c => c with { PkceSupported = true }); // v2.10+ UI hint (§11.4)
        }

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
    private static Task SignInPageAsync(PocketIdRequest r, Dictionary<string, string> parameters)
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

    private static async Task SignIn(PocketIdRequest r)
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
    private static async Task EndSession(PocketIdRequest r)
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

    private static Task SignOut(PocketIdRequest r)
    {
        r.Http.Response.Cookies.Delete(r.State.SessionCookieName);
        r.Http.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    // ---------- token endpoint (§11.3) ----------

    private static Task OAuthError(HttpContext http, int status, string error, string description)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        return http.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    private static async Task Token(PocketIdRequest r)
    {
        var http = r.Http;
        if (http.Request.Query.Count > 0 || !http.Request.HasFormContentType
            || !(http.Request.ContentType ?? string.Empty).StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            await OAuthError(http, 400, "invalid_request", "The request must be a POST with an application/x-www-form-urlencoded body.");
            return;
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException)
        {
            await OAuthError(http, 400, "invalid_request", "The request body could not be parsed.");
            return;
        }

        var (client, authError) = AuthenticateClient(r, form);
        if (client is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"pocket-id\"";
            await OAuthError(http, 401, "invalid_client", authError!);
            return;
        }

        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                await AuthorizationCodeGrant(r, client, form);
                return;
            case "refresh_token":
                await RefreshTokenGrant(r, client, form);
                return;
            case "":
                await OAuthError(http, 400, "invalid_request", "The grant_type parameter is missing.");
                return;
            default:
                await OAuthError(http, 400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
                return;
        }
    }

    /// <summary>client_secret_basic (URL-encoded id:secret, wins over the body since v2.7) or client_secret_post; public clients send only client_id.</summary>
    private static (SimClient? Client, string? Error) AuthenticateClient(PocketIdRequest r, IFormCollection form)
    {
        string? id = null, secret = null;
        var header = r.Http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    return (null, "Client authentication failed (malformed Basic credentials).");
                }

                id = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
                secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            }
            catch (FormatException)
            {
                return (null, "Client authentication failed (malformed Basic credentials).");
            }
        }
        else
        {
            id = form["client_id"].ToString();
            secret = form.ContainsKey("client_secret") ? form["client_secret"].ToString() : null;
        }

        var client = string.IsNullOrEmpty(id) ? null : r.State.FindClient(id);
        if (client is null)
        {
            return (null, "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).");
        }

        if (client.IsPublic)
        {
            return (client, null);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return (null, "Client authentication failed (no client secret was provided).");
        }

        var hash = PocketIdSimulatorState.Sha256Hex(secret);
        var valid = client.Secrets.Any(s => PocketIdDtos.IsActive(r.State, s)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s.Sha256Hex), Encoding.ASCII.GetBytes(hash)));
        return valid ? (client, null) : (null, "Client authentication failed (the client secret is wrong).");
    }

    private static async Task AuthorizationCodeGrant(PocketIdRequest r, SimClient client, IFormCollection form)
    {
        var http = r.Http;
        var codeValue = form["code"].ToString();
        if (codeValue.Length == 0)
        {
            await OAuthError(http, 400, "invalid_request", "The code parameter is missing.");
            return;
        }

        var now = r.State.Time.GetUtcNow();
        var code = r.State.TakeCode(codeValue, out var alreadyUsed);
        if (code is null || alreadyUsed || code.ExpiresAt <= now || code.ClientId != client.Id)
        {
            await OAuthError(http, 400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
            return;
        }

        if (code.RedirectUriParameter is not null && form["redirect_uri"].ToString() != code.RedirectUriParameter)
        {
            await OAuthError(http, 400, "invalid_grant", "The redirect_uri does not match the one used in the authorization request.");
            return;
        }

        var verifier = form["code_verifier"].ToString();
        if (code.CodeChallenge is null ? verifier.Length > 0 : !PkceMatches(code.CodeChallenge, code.CodeChallengeMethod!, verifier))
        {
            await OAuthError(http, 400, "invalid_grant", "The PKCE code verifier does not match the code challenge.");
            return;
        }

        await IssueTokens(r, client, code.UserId, code.Scopes, code.Nonce, code.AuthTime);
    }

    /// <summary>RFC 7636: verifier 43..128 unreserved chars; S256 = base64url(sha256(verifier)).</summary>
    private static bool PkceMatches(string challenge, string method, string verifier)
    {
        if (verifier.Length is < 43 or > 128 || !verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            return false;
        }

        var expected = method == "S256" ? PocketIdSimulatorState.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) : verifier;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }

    private static async Task RefreshTokenGrant(PocketIdRequest r, SimClient client, IFormCollection form)
    {
        var grant = r.State.TakeRefreshToken(form["refresh_token"].ToString());
        if (grant is null || grant.ClientId != client.Id || grant.ExpiresAt <= r.State.Time.GetUtcNow())
        {
            await OAuthError(r.Http, 400, "invalid_grant", "The refresh token is invalid, expired or was issued to another client.");
            return;
        }

        await IssueTokens(r, client, grant.UserId, grant.Scopes, nonce: null, grant.AuthTime);
    }

    private static async Task IssueTokens(PocketIdRequest r, SimClient client, string userId, IReadOnlyList<string> scopes, string? nonce, DateTimeOffset authTime)
    {
        var user = r.State.FindUser(userId);
        if (user is null || user.Disabled)
        {
            await OAuthError(r.Http, 400, "invalid_grant", "The user no longer exists or is disabled.");
            return;
        }

        // Group restriction is checked again when tokens are issued (§8, v2.10+).
        var current = r.State.FindClient(client.Id) ?? client;
        if (!MayAuthorize(r.State, current, user))
        {
            await OAuthError(r.Http, 403, "access_denied", "You are not allowed to access this service.");
            return;
        }

        var issuer = r.Issuer;
        var now = r.State.Time.GetUtcNow();
        var jti = Guid.NewGuid().ToString();
        var accessToken = PocketIdTokens.Sign(r.State, PocketIdTokens.AccessTokenClaims(issuer, current, user, scopes, now, jti), "at+jwt");
        r.State.AddAccessToken(jti, new SimGrant(current.Id, user.Id, scopes, now.AddMinutes(current.AccessTokenDurationMinutes), authTime));
        var response = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "bearer",
            ["expires_in"] = current.AccessTokenDurationMinutes * 60,
            ["scope"] = string.Join(' ', scopes),
        };
        if (scopes.Contains("openid"))
        {
            response["id_token"] = PocketIdTokens.Sign(r.State,
                PocketIdTokens.IdTokenClaims(r.State, issuer, current, user, scopes, nonce, now, authTime, accessToken), "JWT");
        }

        if (scopes.Contains("offline_access"))
        {
            var refresh = PocketIdSimulatorState.RandomAlphanumeric(43);
            r.State.AddRefreshToken(refresh, new SimGrant(current.Id, user.Id, scopes, now.AddMinutes(current.RefreshTokenDurationMinutes), authTime));
            response["refresh_token"] = refresh;
        }

        r.Http.Response.Headers.CacheControl = "no-store";
        r.Http.Response.Headers.Pragma = "no-cache";
        await r.JsonAsync(200, response);
    }

    // ---------- userinfo (§11.2) ----------

    private static async Task UserInfo(PocketIdRequest r)
    {
        var http = r.Http;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : string.Empty;
        var claims = token.Length == 0 ? null : PocketIdTokens.Verify(r.State, token);
        var grant = claims?["jti"]?.GetValue<string>() is { } jti ? r.State.FindAccessToken(jti) : null;
        if (grant is null || grant.ExpiresAt <= r.State.Time.GetUtcNow())
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\",error_description=\"The access token is missing, invalid or expired.\"";
            await OAuthError(http, 401, "invalid_token", "The access token is missing, invalid or expired.");
            return;
        }

        if (!grant.Scopes.Contains("openid"))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\",error_description=\"The openid scope is required.\"";
            await OAuthError(http, 403, "insufficient_scope", "The openid scope is required.");
            return;
        }

        var user = r.State.FindUser(grant.UserId);
        if (user is null)
        {
            await OAuthError(http, 401, "invalid_token", "The user no longer exists.");
            return;
        }

        await r.JsonAsync(200, PocketIdTokens.ScopeClaims(r.State, r.Issuer, user, grant.Scopes));
    }
}
