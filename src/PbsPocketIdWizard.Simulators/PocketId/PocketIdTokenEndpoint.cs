using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>The token endpoint (§11.3) and userinfo (§11.2); errors in RFC 6749 shape.</summary>
internal static class PocketIdTokenEndpoint
{
    private static Task OAuthError(HttpContext http, int status, string error, string description)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        return http.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    internal static async Task Token(PocketIdRequest r)
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

        var expected = method == "S256" ? Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) : verifier;
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
        if (!PocketIdAuthorize.MayAuthorize(r.State, current, user))
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

    internal static async Task UserInfo(PocketIdRequest r)
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
