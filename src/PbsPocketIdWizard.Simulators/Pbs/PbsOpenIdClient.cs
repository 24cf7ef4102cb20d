using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>
/// PBS's side of the OpenID Connect code flow (pbs-api.md §7): discovery with the exact issuer check, PKCE S256,
/// code exchange (client_secret_basic), ID token checks via JWKS, userinfo, username claim and autocreate.
/// </summary>
internal sealed partial class PbsOpenIdClient(PbsSimulatorState state) : IDisposable
{
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    // Created on first use, so a test may build the IdP (e.g. a TestServer) after the PBS simulator.
    private readonly Lazy<HttpClient> _client = new(() => state.Options.IdentityProviderHandler is { } factory
        ? new HttpClient(factory(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(15) }
        : new HttpClient { Timeout = TimeSpan.FromSeconds(15) });

    private HttpClient Http => _client.Value;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private sealed record Discovery(string Issuer, string AuthorizationEndpoint, string TokenEndpoint, string? UserinfoEndpoint, JsonArray Keys);

    private sealed record RealmConfig(string IssuerUrl, string ClientId, string? ClientKey, bool Autocreate, string? UsernameClaim,
        string? Scopes, string? Prompt, string? AcrValues, IReadOnlyList<string> Audiences);

    private RealmConfig LoadRealm(string name, int status)
    {
        lock (state.Sync)
        {
            var realm = state.RealmEntries.FirstOrDefault(e => e.Name == name) ?? throw new PbsApiException(status, $"no such openid '{name}'");
            if (realm.Type != "openid")
            {
                throw new PbsApiException(status, $"got unexpected type '{realm.Type}' for openid '{name}'");
            }

            var p = realm.Props;
            return new RealmConfig(p["issuer-url"], p["client-id"], p.GetValueOrDefault("client-key"),
                p.GetValueOrDefault("autocreate") == "true", p.GetValueOrDefault("username-claim"), p.GetValueOrDefault("scopes"),
                p.GetValueOrDefault("prompt"), p.GetValueOrDefault("acr-values"),
                p.TryGetValue("audiences", out var a) ? PbsParameters.SplitList(a) : []);
        }
    }

    /// <summary>POST /access/openid/auth-url (pbs-api.md §7.1): discovery errors are 400 with the library's message.</summary>
    public async Task<PbsResult> AuthUrlAsync(PbsRequest r)
    {
        var realmName = r.Params.Str("realm")!;
        var redirectUrl = r.Params.Str("redirect-url")!;
        var realm = LoadRealm(realmName, 400);
        var discovery = await DiscoverAsync(realm.IssuerUrl, 400, r.Http.RequestAborted);

        var csrf = RandomToken(16);
        var nonce = RandomToken(16);
        var verifier = RandomToken(32);
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var publicState = new JsonObject { ["csrf_token"] = csrf, ["realm"] = realmName }.ToJsonString();
        lock (state.Sync)
        {
            PruneStates();
            state.OpenIdStates[$"{realmName}\n{csrf}"] = new PbsSimulatorState.OpenIdAuthState(realmName, csrf, nonce, verifier, state.Now);
        }

        // `openid` always first, then the configured or default scopes, not de-duplicated (pbs-api.md §7.1).
        var scopes = new List<string> { "openid" };
        scopes.AddRange(PbsParameters.SplitList(realm.Scopes ?? "email profile"));
        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", realm.ClientId),
            new("state", publicState),
            new("code_challenge", challenge),
            new("code_challenge_method", "S256"),
            new("redirect_uri", redirectUrl),
            new("scope", string.Join(' ', scopes)),
            new("nonce", nonce),
            new("display", "page"),
        };
        if (realm.Prompt is { } prompt)
        {
            query.Add(new("prompt", prompt));
        }

        if (realm.AcrValues is { } acr)
        {
            query.Add(new("acr_values", string.Join(' ', PbsParameters.SplitList(acr))));
        }

        var separator = discovery.AuthorizationEndpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var url = discovery.AuthorizationEndpoint + separator
            + string.Join('&', query.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
        return new PbsResult(url);
    }

    /// <summary>POST /access/openid/login (pbs-api.md §7.2, §7.3): every failure is 401 with the message.</summary>
    public async Task<PbsResult> LoginAsync(PbsRequest r)
    {
        var ct = r.Http.RequestAborted;
        var redirectUrl = r.Params.Str("redirect-url")!;
        var code = r.Params.Str("code")!;
        var auth = TakeState(r.Params.Str("state")!)
            ?? throw new PbsApiException(401, "no openid auth state found (possible timeout)");
        var realm = LoadRealm(auth.Realm, 401);
        var discovery = await DiscoverAsync(realm.IssuerUrl, 401, ct);

        var tokens = await ExchangeCodeAsync(discovery, realm, code, redirectUrl, auth.PkceVerifier, ct);
        var idClaims = VerifyIdToken(discovery, realm, auth.Nonce, tokens.IdToken);
        var claims = await UserinfoAsync(discovery, tokens.AccessToken, ct);
        foreach (var (key, value) in idClaims)
        {
            claims[key] = value?.DeepClone();
        }

        var configured = realm.UsernameClaim ?? "sub";
        var username = StringClaim(claims, configured)
            ?? configured switch
            {
                "subject" => StringClaim(claims, "sub"),
                "username" => StringClaim(claims, "preferred_username"),
                _ => null,
            }
            ?? throw new PbsApiException(401, $"missing claim '{configured}'");

        if (!UserNamePattern().IsMatch(username))
        {
            throw new PbsApiException(401, "invalid user name in user id");
        }

        var userId = $"{username}@{auth.Realm}";
        lock (state.Sync)
        {
            var user = state.FindUser(userId);
            if (user is null || !state.IsActive(user))
            {
                if (!realm.Autocreate)
                {
                    throw new PbsApiException(401, $"user account '{userId}' missing, disabled or expired.");
                }

                if (user is not null)
                {
                    throw user.Enable == false
                        ? new PbsApiException(401, $"user '{userId}' is disabled.")
                        : new PbsApiException(401, $"autocreate user failed - '{userId}' already exists.");
                }

                if (userId.Length > 64)
                {
                    // (derived from code) the user.cfg write fails on the 64-character userid schema (pbs-api.md §5.4).
                    throw new PbsApiException(401, $"autocreate user failed - invalid user id '{userId}' - value may only be 64 characters long");
                }

                // Only values that pass the schema (single line, 2..64 characters) are copied (pbs-api.md §5.4).
                state.UserEntries.Add(new PbsSimulatorState.UserEntry(userId)
                {
                    Firstname = SchemaText(StringClaim(claims, "given_name")),
                    Lastname = SchemaText(StringClaim(claims, "family_name")),
                    Email = SchemaText(StringClaim(claims, "email")),
                });
            }
        }

        return PbsHandlers.TicketResult(state, userId, r.Params.Bool("http-only") == true);
    }

    private PbsSimulatorState.OpenIdAuthState? TakeState(string publicState)
    {
        string? csrf, realm;
        try
        {
            var node = JsonNode.Parse(publicState);
            csrf = node?["csrf_token"]?.GetValue<string>();
            realm = node?["realm"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }

        if (csrf is null || realm is null)
        {
            return null;
        }

        lock (state.Sync)
        {
            PruneStates();
            return state.OpenIdStates.Remove($"{realm}\n{csrf}", out var found) ? found : null;
        }
    }

    private void PruneStates()
    {
        var cutoff = state.Now - (long)StateLifetime.TotalSeconds;
        foreach (var key in state.OpenIdStates.Where(kv => kv.Value.Created < cutoff).Select(kv => kv.Key).ToList())
        {
            state.OpenIdStates.Remove(key);
        }
    }

    /// <summary>`issuer-url` + `/.well-known/openid-configuration`, then the JWKS (pbs-api.md §7.1, §7.6).</summary>
    private async Task<Discovery> DiscoverAsync(string issuerUrl, int status, CancellationToken ct)
    {
        if (!Uri.TryCreate(issuerUrl, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https"))
        {
            throw new PbsApiException(status, Uri.TryCreate(issuerUrl, UriKind.Absolute, out _) ? "Request failed" : "relative URL without a base");
        }

        var url = issuerUrl + (issuerUrl.EndsWith('/') ? string.Empty : "/") + ".well-known/openid-configuration";
        var doc = await GetJsonAsync(url, status, null, ct);
        string? docIssuer = null, authorize = null, token = null, userinfo = null, jwksUri = null;
        try
        {
            docIssuer = doc["issuer"]?.GetValue<string>();
            authorize = doc["authorization_endpoint"]?.GetValue<string>();
            token = doc["token_endpoint"]?.GetValue<string>();
            userinfo = doc["userinfo_endpoint"]?.GetValue<string>();
            jwksUri = doc["jwks_uri"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new PbsApiException(status, "Failed to parse server response");
        }

        if (docIssuer is null || authorize is null || jwksUri is null)
        {
            throw new PbsApiException(status, "Failed to parse server response");
        }

        if (docIssuer != issuerUrl)
        {
            throw new PbsApiException(status, $"Validation error: unexpected issuer URI `{docIssuer}` (expected `{issuerUrl}`)");
        }

        var jwks = await GetJsonAsync(jwksUri, status, null, ct);
        if (jwks["keys"] is not JsonArray keys)
        {
            throw new PbsApiException(status, "Failed to parse server response");
        }

        return new Discovery(docIssuer, authorize, token ?? string.Empty, userinfo, keys);
    }

    private async Task<JsonObject> GetJsonAsync(string url, int status, string? prefix, CancellationToken ct, string? bearer = null)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            response = await Http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            throw new PbsApiException(status, prefix + "Request failed");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new PbsApiException(status, $"{prefix}Server returned invalid response: HTTP status code {(int)response.StatusCode} at {url}");
            }

            try
            {
                return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject
                    ?? throw new PbsApiException(status, prefix + "Failed to parse server response");
            }
            catch (JsonException)
            {
                throw new PbsApiException(status, prefix + "Failed to parse server response");
            }
        }
    }

    private sealed record TokenResponse(string AccessToken, string IdToken);

    private async Task<TokenResponse> ExchangeCodeAsync(
        Discovery discovery, RealmConfig realm, string code, string redirectUrl, string verifier, CancellationToken ct)
    {
        const string prefix = "Failed to contact token endpoint: ";
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("code_verifier", verifier),
            new("redirect_uri", redirectUrl),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, discovery.TokenEndpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (realm.ClientKey is { } secret)
        {
            // client_secret_basic with form-urlencoded id and secret (oauth2-rs, RFC 6749 §2.3.1).
            var basic = $"{Uri.EscapeDataString(realm.ClientId)}:{Uri.EscapeDataString(secret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form.Add(new("client_id", realm.ClientId));
        }

        request.Content = new FormUrlEncodedContent(form);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            throw new PbsApiException(401, prefix + "Request failed");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                // handled below
            }

            if (!response.IsSuccessStatusCode)
            {
                if (json?["error"] is JsonValue error && error.TryGetValue<string>(out var errorCode))
                {
                    var description = json["error_description"] is JsonValue d && d.TryGetValue<string>(out var text) ? $": {text}" : string.Empty;
                    throw new PbsApiException(401, $"{prefix}Server returned error response: {errorCode}{description}");
                }

                throw new PbsApiException(401, $"{prefix}Server returned invalid response: HTTP status code {(int)response.StatusCode}");
            }

            var accessToken = json?["access_token"] is JsonValue a && a.TryGetValue<string>(out var at) ? at : null;
            var idToken = json?["id_token"] is JsonValue i && i.TryGetValue<string>(out var it) ? it : null;
            if (accessToken is null)
            {
                throw new PbsApiException(401, prefix + "Failed to parse server response");
            }

            return idToken is null
                ? throw new PbsApiException(401, "Failed to verify ID token: ID token missing")
                : new TokenResponse(accessToken, idToken);
        }
    }

    private JsonObject VerifyIdToken(Discovery discovery, RealmConfig realm, string nonce, string idToken)
    {
        const string prefix = "Failed to verify ID token: ";
        var parts = idToken.Split('.');
        JsonObject header, claims;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64UrlDecode(parts[0])) as JsonObject ?? throw new FormatException();
            claims = JsonNode.Parse(Base64UrlDecode(parts[1])) as JsonObject ?? throw new FormatException();
            signature = Base64UrlDecode(parts[2]);
            if (parts.Length != 3)
            {
                throw new FormatException();
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or IndexOutOfRangeException)
        {
            throw new PbsApiException(401, prefix + "Failed to parse ID token");
        }

        var alg = header["alg"]?.ToString();
        var kid = header["kid"]?.ToString();
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var candidates = discovery.Keys.OfType<JsonObject>().Where(k => kid is null || k["kid"]?.ToString() == kid).ToList();
        if (!candidates.Any(k => VerifySignature(k, alg, signed, signature)))
        {
            throw new PbsApiException(401, prefix + "Signature verification failed");
        }

        var issuer = claims["iss"]?.ToString();
        if (issuer != discovery.Issuer)
        {
            throw new PbsApiException(401, $"{prefix}Invalid issuer: expected `{discovery.Issuer}` (found `{issuer}`)");
        }

        var audiences = claims["aud"] switch
        {
            JsonArray arr => arr.Select(x => x?.ToString() ?? string.Empty).ToList(),
            JsonNode n => [n.ToString()],
            _ => new List<string>(),
        };
        if (!audiences.Contains(realm.ClientId, StringComparer.Ordinal))
        {
            throw new PbsApiException(401, $"{prefix}Invalid audiences: `{realm.ClientId}` is not a trusted audience");
        }

        var untrusted = audiences.FirstOrDefault(a => a != realm.ClientId && !realm.Audiences.Contains(a, StringComparer.Ordinal));
        if (untrusted is not null)
        {
            throw new PbsApiException(401, $"{prefix}Invalid audiences: `{untrusted}` is not a trusted audience");
        }

        if (claims["exp"] is not JsonValue exp || !exp.TryGetValue<long>(out var expires) || expires < state.Now)
        {
            throw new PbsApiException(401, $"{prefix}Expired: ID token expired");
        }

        if (claims["nonce"]?.ToString() != nonce)
        {
            throw new PbsApiException(401, $"{prefix}Invalid nonce: nonce mismatch");
        }

        return claims;
    }

    private static bool VerifySignature(JsonObject jwk, string? alg, byte[] data, byte[] signature)
    {
        try
        {
            switch (alg, jwk["kty"]?.ToString())
            {
                case ("RS256", "RSA"):
                    using (var rsa = RSA.Create(new RSAParameters
                    {
                        Modulus = Base64UrlDecode(jwk["n"]!.ToString()),
                        Exponent = Base64UrlDecode(jwk["e"]!.ToString()),
                    }))
                    {
                        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    }

                case ("ES256", "EC"):
                    using (var ec = ECDsa.Create(new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = Base64UrlDecode(jwk["x"]!.ToString()), Y = Base64UrlDecode(jwk["y"]!.ToString()) },
                    }))
                    {
                        return ec.VerifyData(data, signature, HashAlgorithmName.SHA256);
                    }

                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or NullReferenceException)
        {
            return false;
        }
    }

    private async Task<JsonObject> UserinfoAsync(Discovery discovery, string accessToken, CancellationToken ct)
    {
        if (discovery.UserinfoEndpoint is null)
        {
            throw new PbsApiException(401, "Failed to contact userinfo endpoint: No user info endpoint specified");
        }

        return await GetJsonAsync(discovery.UserinfoEndpoint, 401, "Failed to contact userinfo endpoint: ", ct, accessToken);
    }

    private static string? StringClaim(JsonObject claims, string name) =>
        claims[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? SchemaText(string? value) =>
        value is { Length: >= 2 and <= 64 } && !value.Any(char.IsControl) ? value : null;

    private static string RandomToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    /// <summary>User name part: no whitespace, `:`, `/` or control characters (pbs-api.md §5.3).</summary>
    [GeneratedRegex(@"^[^\s:/\x00-\x1F\x7F]+\z")]
    private static partial Regex UserNamePattern();
}
