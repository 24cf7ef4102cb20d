using System.Text.Json;
using Flurl.Http;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>
/// Typed client for the PBS endpoints the wizard uses (pbs-api.md). One instance per connection, built by
/// ApiClientFactory. Auth is either an API token header (set once by the factory) or a ticket session kept per
/// connection: cookie on every call, CSRF header on writes only (§2.1). No business rules here.
/// </summary>
public sealed partial class PbsClient
{
    /// <summary>
    /// The ticket cookie name every PBS version reads: `__Host-PBSAuthCookie` is read only from PBS 3.3.4 on
    /// (proxmox-auth-api 0.4.8), `PBSAuthCookie` by all versions.
    /// </summary>
    public const string TicketCookieName = "PBSAuthCookie";

    public const string CsrfHeaderName = "CSRFPreventionToken";

    private static readonly TimeSpan TicketLifetime = TimeSpan.FromHours(2);

    private readonly IFlurlClient _http;
    private readonly string? _userId;
    private readonly Secret? _password;
    private readonly PbsApiToken? _token;
    private readonly PbsSession _session;
    private readonly TimeProvider _time;
    private readonly WizardHttpOptions _options;

    internal PbsClient(IFlurlClient http, string? userId, Secret? password, PbsApiToken? token, PbsSession session, TimeProvider time, WizardHttpOptions options)
    {
        _http = http;
        _userId = userId;
        _password = password;
        _token = token;
        _session = session;
        _time = time;
        _options = options;
    }

    /// <summary>The auth id the calls run as: the token id, or user@realm.</summary>
    public string AuthId => _token?.TokenId ?? _userId ?? string.Empty;

    public bool UsesApiToken => _token is not null;

    /// <summary>What PBS's last second-factor challenge on this connection offered; null when none was asked.</summary>
    public PbsTfaOffer? SecondFactorOffer => _session.LastOffer;

    public string BaseUrl => _http.BaseUrl;

    // ---- world (no auth) -------------------------------------------------------------------------------------------

    /// <summary>GET /ping: reachability and TLS, no credentials (§8).</summary>
    public Task<PbsPing> PingAsync(CancellationToken cancellationToken) =>
        GetAsync<PbsPing>(Path("ping"), Auth.None, "ping", cancellationToken);

    /// <summary>GET /access/domains: every realm of every type, World-readable (§4).</summary>
    public Task<IReadOnlyList<PbsRealmInfo>> GetDomainsAsync(CancellationToken cancellationToken) =>
        GetListAsync<PbsRealmInfo>(Path("access/domains"), Auth.None, "the realm list", cancellationToken);

    /// <summary>
    /// POST /access/openid/auth-url (§7.1): PBS fetches the issuer's discovery document itself, which proves it can
    /// reach and trust Pocket ID. Returns the IdP authorization URL.
    /// </summary>
    public async Task<string> GetOpenIdAuthUrlAsync(string realm, string redirectUrl, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object> { ["realm"] = realm, ["redirect-url"] = redirectUrl };
        // A POST that changes nothing: PBS resolves the issuer once per action, until the realm changes.
        var envelope = await ReadCache.ReadAsync(CacheServer, $"access/openid/auth-url?realm={realm}&redirect-url={redirectUrl}",
            () => SendUncachedAsync<PbsEnvelope<string>>(HttpMethod.Post, Path("access/openid/auth-url"), Auth.None, body, "the OpenID auth-url request", cancellationToken, null));
        return ApiCall.Require(ExternalService.Pbs, envelope.Data, "the OpenID auth-url request");
    }

    // ---- session ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// POST /access/ticket with the password; when PBS answers a TFA challenge (§2.2) and a TOTP code or recovery key is
    /// given, answers it with a second call (tfa-challenge + password "totp:&lt;code&gt;" or "recovery:&lt;key&gt;").
    /// The ticket is kept for this connection.
    /// </summary>
    public async Task<PbsLoginResult> LoginAsync(string? secondFactor, CancellationToken cancellationToken)
    {
        if (_token is not null)
        {
            return PbsLoginResult.ApiToken;
        }

        await _session.Gate.WaitAsync(cancellationToken);
        try
        {
            // Already signed in on this connection (same address, user and password): keep the session, so a
            // connection re-test never spends a second TOTP code. EnsureSession renews it when it gets old.
            if (await KeepOrRenewLockedAsync(cancellationToken))
            {
                return PbsLoginResult.SignedIn;
            }

            return await LoginLockedAsync(secondFactor, cancellationToken);
        }
        finally
        {
            _session.Gate.Release();
        }
    }

    /// <summary>Forgets this connection's ticket. PBS tickets are stateless (pbs-api.md §2.1), so there is nothing to revoke.</summary>
    public void Forget() => _session.Clear();

    // ---- authenticated reads ---------------------------------------------------------------------------------------

    /// <summary>GET /version (§8).</summary>
    public Task<PbsVersion> GetVersionAsync(CancellationToken cancellationToken) =>
        GetAsync<PbsVersion>(Path("version"), Auth.Session, "the version", cancellationToken);

    /// <summary>
    /// GET /access/permissions (§6.4): { path: { privilege: propagate } } for the caller (or for <paramref name="authId"/>
    /// with Sys.Audit on /access). An API token's result already reflects privilege separation (§2.3).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>>> GetPermissionsAsync(string? path, string? authId, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, object?> { ["path"] = path, ["auth-id"] = authId };
        var map = await GetAsync<Dictionary<string, Dictionary<string, bool>>>(Path("access/permissions"), Auth.Session, "the permission check", cancellationToken, query);
        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, bool>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>GET /config/access/openid, with the domains.cfg digest (§3.1, §3.4).</summary>
    public async Task<PbsWithDigest<IReadOnlyList<PbsOpenIdRealm>>> ListOpenIdRealmsAsync(CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<PbsEnvelope<List<PbsOpenIdRealm>>>(HttpMethod.Get, Path("config/access/openid"), Auth.Session, null, "the OpenID realm list", cancellationToken);
        return new(ApiCall.Require(ExternalService.Pbs, envelope.Data, "the OpenID realm list"), envelope.Digest);
    }

    /// <summary>GET /config/access/openid/{realm}, with its digest. A missing realm is 400 "no such openid" (§3.3).</summary>
    public async Task<PbsWithDigest<PbsOpenIdRealm>> GetOpenIdRealmAsync(string realm, CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<PbsEnvelope<PbsOpenIdRealm>>(HttpMethod.Get, Path("config/access/openid", realm), Auth.Session, null, "the OpenID realm", cancellationToken);
        return new(ApiCall.Require(ExternalService.Pbs, envelope.Data, $"the OpenID realm {realm}"), envelope.Digest);
    }

    /// <summary>GET /access/users (§5.1); without Sys.Audit on /access/users PBS lists only the caller.</summary>
    public Task<IReadOnlyList<PbsUser>> ListUsersAsync(CancellationToken cancellationToken) =>
        GetListAsync<PbsUser>(Path("access/users"), Auth.Session, "the user list", cancellationToken);

    /// <summary>GET /access/users/{userid} (§5.1).</summary>
    public Task<PbsUser> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        GetAsync<PbsUser>(Path("access/users", userId), Auth.Session, $"the user {userId}", cancellationToken);

    /// <summary>GET /access/acl (§6.1): entries at exactly <paramref name="path"/> when exact, with the acl.cfg digest.</summary>
    public async Task<PbsWithDigest<IReadOnlyList<PbsAclEntry>>> GetAclAsync(string? path, bool exact, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, object?> { ["path"] = path, ["exact"] = path is null ? null : exact ? "true" : "false" };
        var envelope = await SendAsync<PbsEnvelope<List<PbsAclEntry>>>(HttpMethod.Get, Path("access/acl"), Auth.Session, null, "the ACL list", cancellationToken, query);
        return new(ApiCall.Require(ExternalService.Pbs, envelope.Data, "the ACL list"), envelope.Digest);
    }

    /// <summary>GET /access/roles (§6.4).</summary>
    public Task<IReadOnlyList<PbsRole>> ListRolesAsync(CancellationToken cancellationToken) =>
        GetListAsync<PbsRole>(Path("access/roles"), Auth.Session, "the role list", cancellationToken);

    /// <summary>GET /admin/datastore (§9), filtered by the caller's privileges.</summary>
    public Task<IReadOnlyList<PbsDatastore>> ListDatastoresAsync(CancellationToken cancellationToken) =>
        GetListAsync<PbsDatastore>(Path("admin/datastore"), Auth.Session, "the datastore list", cancellationToken);

    /// <summary>GET /admin/datastore/{store}/namespace (§9).</summary>
    public Task<IReadOnlyList<PbsNamespace>> ListNamespacesAsync(string store, CancellationToken cancellationToken) =>
        GetListAsync<PbsNamespace>(Path("admin/datastore", store, "namespace"), Auth.Session, $"the namespaces of {store}", cancellationToken);

    /// <summary>GET /nodes/{node}/status (§8): info.fingerprint is the proxy certificate's fingerprint.</summary>
    public Task<PbsNodeStatus> GetNodeStatusAsync(string node, CancellationToken cancellationToken) =>
        GetAsync<PbsNodeStatus>(Path("nodes", node, "status"), Auth.Session, "the node status", cancellationToken);

    // ---- writes (never retried automatically) ---------------------------------------------------------------------

    /// <summary>POST /config/access/openid (§3.1); an existing name of any realm type is 400 "already exists" (§3.3).</summary>
    public Task CreateOpenIdRealmAsync(PbsOpenIdRealm realm, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Post, Path("config/access/openid"), realm, $"creating the OpenID realm {realm.Realm}", cancellationToken);

    /// <summary>PUT /config/access/openid/{realm} with digest and delete[] (§3.2, §3.3).</summary>
    public Task UpdateOpenIdRealmAsync(string realm, PbsOpenIdRealmUpdate update, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, Path("config/access/openid", realm), update, $"updating the OpenID realm {realm}", cancellationToken);

    /// <summary>DELETE /config/access/openid/{realm}; a missing realm is 404 (§3.3).</summary>
    public Task DeleteOpenIdRealmAsync(string realm, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Delete, Path("config/access/openid", realm), null, $"deleting the OpenID realm {realm}", cancellationToken);

    /// <summary>
    /// PUT /config/access/pam or /config/access/pbs (3.3.7+ only: older PBS has neither endpoint): the built-in realms
    /// are updated through their own endpoints, with the digest read just before, like every other config update.
    /// </summary>
    public async Task UpdateBuiltinRealmAsync(string realm, PbsBuiltinRealmUpdate update, CancellationToken cancellationToken)
    {
        var path = realm is "pam" or "pbs" ? Path($"config/access/{realm}") : throw new ArgumentException($"'{realm}' is not a built-in realm (pam or pbs).", nameof(realm));
        var current = await SendUncachedAsync<PbsEnvelope<JsonElement>>(HttpMethod.Get, path, Auth.Session, null, $"the {realm} realm", cancellationToken, null);
        await WriteAsync(HttpMethod.Put, path, update with { Digest = update.Digest ?? current.Digest }, $"updating the {realm} realm", cancellationToken);
    }

    /// <summary>POST /access/users (§5.2): pre-creates e.g. alice@PocketID so ACLs can be set before the first sign-in.</summary>
    public Task CreateUserAsync(PbsUserCreate user, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Post, Path("access/users"), user, $"creating the user {user.UserId}", cancellationToken);

    /// <summary>DELETE /access/users/{userid} (§5.2).</summary>
    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Delete, Path("access/users", userId), null, $"deleting the user {userId}", cancellationToken);

    /// <summary>PUT /access/acl (§6.2): adds one (path, auth-id, role) entry, or removes it with Delete = true.</summary>
    public Task UpdateAclAsync(PbsAclUpdate update, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, Path("access/acl"), update,
            $"{(update.Delete == true ? "removing" : "setting")} the ACL {update.Path} {update.Role} for {update.AuthId}", cancellationToken);

    // ---- plumbing --------------------------------------------------------------------------------------------------

    private enum Auth
    {
        None,
        Session,
    }

    /// <summary>Path segments; a value (user id, realm) stays one segment and is fully percent-encoded by Flurl.</summary>
    private static string[] Path(string prefix, string value, string? suffix = null) =>
        [.. prefix.Split('/'), value, .. suffix is null ? Array.Empty<string>() : suffix.Split('/')];

    private static string[] Path(string path) => path.Split('/');

    private async Task<T> GetAsync<T>(string[] path, Auth auth, string what, CancellationToken cancellationToken, IReadOnlyDictionary<string, object?>? query = null)
        where T : class
    {
        var envelope = await SendAsync<PbsEnvelope<T>>(HttpMethod.Get, path, auth, null, what, cancellationToken, query);
        return ApiCall.Require(ExternalService.Pbs, envelope.Data, what);
    }

    private async Task<IReadOnlyList<T>> GetListAsync<T>(string[] path, Auth auth, string what, CancellationToken cancellationToken) =>
        await GetAsync<List<T>>(path, auth, what, cancellationToken);

    private async Task WriteAsync(HttpMethod method, string[] path, object? body, string what, CancellationToken cancellationToken) =>
        await SendAsync<PbsEnvelope<JsonElement?>>(method, path, Auth.Session, body, what, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string[] path, Auth auth, object? body, string what, CancellationToken cancellationToken, IReadOnlyDictionary<string, object?>? query = null)
        where T : class
    {
        var route = string.Join('/', path);
        if (method != HttpMethod.Get)
        {
            try
            {
                return await SendUncachedAsync<T>(method, path, auth, body, what, cancellationToken, query);
            }
            finally
            {
                // Also after a failure: the write may have happened before the answer was lost.
                ReadCache.Forget(CacheServer, request => PbsReadCaching.MayChange(route, body, request));
            }
        }

        var key = query is null ? route : $"{route}?{string.Join('&', query.Where(q => q.Value is not null).Select(q => $"{q.Key}={q.Value}"))}";
        return await ReadCache.ReadAsync(CacheServer, key, () => SendUncachedAsync<T>(method, path, auth, body, what, cancellationToken, query));
    }

    /// <summary>Reads are kept per PBS address and the user they ran as (another user may see other things).</summary>
    private string CacheServer => $"pbs {BaseUrl} {AuthId}";

    private async Task<T> SendUncachedAsync<T>(HttpMethod method, string[] path, Auth auth, object? body, string what, CancellationToken cancellationToken, IReadOnlyDictionary<string, object?>? query)
        where T : class
    {
        if (auth == Auth.Session)
        {
            await EnsureSessionAsync(cancellationToken);
        }

        var request = _http.Request("api2", "json");
        foreach (var segment in path)
        {
            request.AppendPathSegment(segment, fullyEncode: true);
        }

        if (query is not null)
        {
            foreach (var (name, value) in query)
            {
                if (value is not null)
                {
                    request.SetQueryParam(name, value);
                }
            }
        }

        if (auth == Auth.Session)
        {
            Authorize(request, method);
        }

        var result = await ApiCall.RunAsync(ExternalService.Pbs, _options.RequestTimeout, async () =>
        {
            IFlurlResponse response = body is null
                ? await request.SendAsync(method, cancellationToken: cancellationToken)
                : await request.SendJsonAsync(method, body, cancellationToken: cancellationToken);
            return await response.GetJsonAsync<T>();
        }, cancellationToken);
        return ApiCall.Require(ExternalService.Pbs, result, what);
    }
}
