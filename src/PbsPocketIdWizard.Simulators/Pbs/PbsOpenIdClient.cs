using System.Buffers.Text;
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

    private readonly PbsOpenIdProvider _provider = new(state);

    public void Dispose() => _provider.Dispose();

    private PbsOpenIdRealm LoadRealm(string name, int status)
    {
        lock (state.Sync)
        {
            var realm = state.RealmEntries.FirstOrDefault(e => e.Name == name) ?? throw new PbsApiException(status, $"no such openid '{name}'");
            if (realm.Type != "openid")
            {
                throw new PbsApiException(status, $"got unexpected type '{realm.Type}' for openid '{name}'");
            }

            var p = realm.Props;
            return new PbsOpenIdRealm(p["issuer-url"], p["client-id"], p.GetValueOrDefault("client-key"),
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
        var discovery = await _provider.DiscoverAsync(realm.IssuerUrl, 400, r.Http.RequestAborted);

        var csrf = RandomToken(16);
        var nonce = RandomToken(16);
        var verifier = RandomToken(32);
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
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
        var discovery = await _provider.DiscoverAsync(realm.IssuerUrl, 401, ct);

        var tokens = await _provider.ExchangeCodeAsync(discovery, realm, code, redirectUrl, auth.PkceVerifier, ct);
        var idClaims = PbsIdTokenVerifier.Verify(discovery, realm, auth.Nonce, tokens.IdToken, state.Now);
        var claims = await _provider.UserinfoAsync(discovery, tokens.AccessToken, ct);
        foreach (var (key, value) in idClaims)
        {
            claims[key] = value?.DeepClone();
        }

        // proxmox-openid merges the userinfo and ID-token claims, the ID token winning. `username-claim` defaults to
        // `sub`; for compatibility a configured `subject` / `username` falls back to `sub` / `preferred_username`
        // when no claim has that literal name (src/api2/access/openid.rs).
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

        // Userid::try_from; PbsHandlers.RealmOf splits such an id at the last '@', so a name may contain '@'.
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

                // Userid::try_from has no length limit, so an id over 64 characters is created and signed in here; every
                // later API call that names it (user GET, ACL auth-id, …) refuses it by the 64-character schema.
                // Only claim values that pass the schema (single line, 2..64 characters) are copied (pbs-api.md §5.4).
                state.UserEntries.Add(new PbsSimulatorState.UserEntry(userId)
                {
                    Firstname = SchemaText(StringClaim(claims, "given_name")),
                    Lastname = SchemaText(StringClaim(claims, "family_name")),
                    Email = SchemaText(StringClaim(claims, "email")),
                });
            }
        }

        return PbsTicketHandlers.TicketResult(state, userId, r.Params.Bool("http-only") == true);
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

    private static string? StringClaim(JsonObject claims, string name) =>
        claims[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? SchemaText(string? value) =>
        value is { Length: >= 2 and <= 64 } && !value.Any(char.IsControl) ? value : null;

    private static string RandomToken(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>User name part: no whitespace, `:`, `/` or control characters (pbs-api.md §5.3).</summary>
    [GeneratedRegex(@"^[^\s:/\x00-\x1F\x7F]+\z")]
    private static partial Regex UserNamePattern();
}
