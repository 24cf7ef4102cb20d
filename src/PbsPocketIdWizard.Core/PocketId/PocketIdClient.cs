using System.Net;
using Flurl.Http;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.PocketId;

/// <summary>
/// Typed client for the Pocket ID admin API (pocket-id-api.md). One instance per connection, built by
/// ApiClientFactory, which sets the X-API-Key header once (§3.1). No business rules here.
/// </summary>
public sealed class PocketIdClient
{
    public const string HttpClientName = "pocket-id";

    public const string ApiKeyHeaderName = "X-API-Key";

    private const int PageSize = 100;

    private readonly IFlurlClient _http;
    private readonly WizardHttpOptions _options;

    internal PocketIdClient(IFlurlClient http, WizardHttpOptions options)
    {
        _http = http;
        _options = options;
    }

    public string BaseUrl => _http.BaseUrl;

    /// <summary>GET /.well-known/openid-configuration (§11.1), public.</summary>
    public Task<PocketIdDiscovery> GetDiscoveryAsync(CancellationToken cancellationToken) =>
        GetAsync<PocketIdDiscovery>([".well-known", "openid-configuration"], "the discovery document", cancellationToken);

    /// <summary>GET /api/users/me (§3): the API key's owner; the wizard needs isAdmin.</summary>
    public Task<PocketIdUser> GetCurrentUserAsync(CancellationToken cancellationToken) =>
        GetAsync<PocketIdUser>(["api", "users", "me"], "the API key's user", cancellationToken);

    /// <summary>GET /api/version/current (§12): the version, or null before v2.3 (404 "API endpoint not found").</summary>
    public async Task<string?> GetVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = await GetAsync<PocketIdVersionInfo>(["api", "version", "current"], "the version", cancellationToken);
            return string.IsNullOrWhiteSpace(info.CurrentVersion) ? null : info.CurrentVersion.TrimStart('v');
        }
        catch (ExternalApiException ex) when (IsUnknownEndpoint(ex))
        {
            return null;
        }
    }

    /// <summary>GET /api/users, all pages (§10).</summary>
    public Task<IReadOnlyList<PocketIdUser>> ListUsersAsync(string? search, CancellationToken cancellationToken) =>
        ListAllAsync<PocketIdUser>(["api", "users"], search, "the user list", cancellationToken);

    /// <summary>GET /api/user-groups, all pages (§9); search matches `name`.</summary>
    public Task<IReadOnlyList<PocketIdUserGroup>> ListUserGroupsAsync(string? search, CancellationToken cancellationToken) =>
        ListAllAsync<PocketIdUserGroup>(["api", "user-groups"], search, "the group list", cancellationToken);

    /// <summary>GET /api/oidc/clients?search=name, all pages (§5.1). Names are not unique.</summary>
    public Task<IReadOnlyList<PocketIdOidcClient>> ListOidcClientsAsync(string? search, CancellationToken cancellationToken) =>
        ListAllAsync<PocketIdOidcClient>(["api", "oidc", "clients"], search, "the OIDC client list", cancellationToken);

    /// <summary>GET /api/oidc/clients/{id}; null when it does not exist (404).</summary>
    public async Task<PocketIdOidcClient?> FindOidcClientAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await GetOidcClientAsync(id, cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound && !IsUnknownEndpoint(ex))
        {
            return null;
        }
    }

    /// <summary>GET /api/oidc/clients/{id} (§5.1).</summary>
    public Task<PocketIdOidcClient> GetOidcClientAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<PocketIdOidcClient>(["api", "oidc", "clients", id], $"the OIDC client {id}", cancellationToken);

    /// <summary>POST /api/oidc/clients (§5.3, §5.4): 201 with the client; no secret is created.</summary>
    public Task<PocketIdOidcClient> CreateOidcClientAsync(PocketIdOidcClientWrite client, CancellationToken cancellationToken) =>
        SendJsonAsync<PocketIdOidcClient>(HttpMethod.Post, ["api", "oidc", "clients"], client, "creating the OIDC client", cancellationToken);

    /// <summary>
    /// GET → modify → full PUT /api/oidc/clients/{id} (§5.3, §17.10): PUT replaces everything, so the body is always
    /// the freshly read client with only <paramref name="modify"/> applied; nothing (allowed groups,
    /// isGroupRestricted, logout URLs, federated identities, token lifetimes) is lost.
    /// </summary>
    public async Task<PocketIdOidcClient> UpdateOidcClientAsync(string id, Func<PocketIdOidcClientWrite, PocketIdOidcClientWrite> modify, CancellationToken cancellationToken)
    {
        var current = await GetOidcClientAsync(id, cancellationToken);
        var body = modify(PocketIdOidcClientWrite.FromExisting(current)) with { Id = null };
        return await SendJsonAsync<PocketIdOidcClient>(HttpMethod.Put, ["api", "oidc", "clients", id], body, $"updating the OIDC client {id}", cancellationToken);
    }

    /// <summary>DELETE /api/oidc/clients/{id} (§5.1); already gone (404) counts as done.</summary>
    public async Task DeleteOidcClientAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, ["api", "oidc", "clients", id], null, cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound && !IsUnknownEndpoint(ex))
        {
        }
    }

    /// <summary>
    /// Creates a client secret (§6): POST …/secrets (v2.14+, 201) or …/secret (≤ v2.13, 200), chosen by
    /// <paramref name="version"/>; if the chosen route answers the unknown-route 404 {"error":"API endpoint not found"}
    /// (no code), the other one is tried (§6.3). The value is returned once and never again.
    /// </summary>
    public async Task<Secret> CreateClientSecretAsync(string clientId, string? version, CancellationToken cancellationToken)
    {
        var first = UsesMultiSecretEndpoint(version) ? "secrets" : "secret";
        var second = first == "secrets" ? "secret" : "secrets";
        PocketIdClientSecretCreated created;
        try
        {
            created = await PostSecretAsync(clientId, first, cancellationToken);
        }
        catch (ExternalApiException ex) when (IsUnknownEndpoint(ex))
        {
            created = await PostSecretAsync(clientId, second, cancellationToken);
        }

        return string.IsNullOrEmpty(created.Secret)
            ? throw new ExternalApiException(ExternalService.PocketId, HttpStatusCode.OK, "the answer to creating the client secret had no secret")
            : new Secret(created.Secret);
    }

    /// <summary>DELETE /api/oidc/clients/{id}/secrets/{secretId} (v2.14+); already gone (404) counts as done.</summary>
    public async Task DeleteClientSecretAsync(string clientId, string secretId, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, ["api", "oidc", "clients", clientId, "secrets", secretId], null, cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound && !IsUnknownEndpoint(ex))
        {
        }
    }

    /// <summary>
    /// POST /api/oidc/clients/{id}/logo?light=true (or light=false for the dark-mode logo, Pocket ID 1.14+), multipart
    /// field `file` (§7.1); type from the extension.
    /// </summary>
    public async Task UploadLogoAsync(string clientId, string fileName, byte[] content, bool light, CancellationToken cancellationToken)
    {
        var request = Request(["api", "oidc", "clients", clientId, "logo"]).SetQueryParam("light", light ? "true" : "false");
        try
        {
            await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout, async () =>
            {
                using var stream = new MemoryStream(content, writable: false);
                return await request.PostMultipartAsync(mp => mp.AddFile("file", stream, fileName), cancellationToken: cancellationToken);
            }, cancellationToken);
        }
        finally
        {
            ForgetChangeableReads();
        }
    }

    /// <summary>PUT /api/oidc/clients/{id}/allowed-user-groups (§8): replaces the set; [] clears it.</summary>
    public Task SetAllowedUserGroupsAsync(string clientId, IReadOnlyList<string> groupIds, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, ["api", "oidc", "clients", clientId, "allowed-user-groups"],
            new Dictionary<string, object> { ["userGroupIds"] = groupIds }, cancellationToken);

    /// <summary>GET /api/oidc/clients/{id}/preview/{userId}?scopes=… (§5.1); scopes are space-separated.</summary>
    public async Task<PocketIdClaimsPreview> PreviewClaimsAsync(string clientId, string userId, string scopes, CancellationToken cancellationToken)
    {
        var request = Request(["api", "oidc", "clients", clientId, "preview", userId]).SetQueryParam("scopes", scopes);
        var preview = await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout,
            () => request.GetJsonAsync<PocketIdClaimsPreview>(cancellationToken: cancellationToken), cancellationToken);
        return ApiCall.Require(ExternalService.PocketId, preview, "the claims preview");
    }

    /// <summary>
    /// GET /api/audit-logs/all (admin only; unchanged in 2.x): the newest rows about the named client, newest first.
    /// `filters[clientName]` matches the client's name in the row's data. Null when this Pocket ID has no such list.
    /// </summary>
    public async Task<IReadOnlyList<PocketIdAuditLogEntry>?> ListClientAuditLogAsync(string clientName, CancellationToken cancellationToken)
    {
        var request = Request(["api", "audit-logs", "all"])
            .SetQueryParam("filters[clientName]", clientName)
            .SetQueryParam("sort[column]", "createdAt")
            .SetQueryParam("sort[direction]", "desc")
            .SetQueryParam("pagination[limit]", 50);
        try
        {
            var result = await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout,
                () => request.GetJsonAsync<PocketIdPage<PocketIdAuditLogEntry>>(cancellationToken: cancellationToken), cancellationToken);
            return ApiCall.Require(ExternalService.PocketId, result, "the audit log").Data ?? [];
        }
        catch (ExternalApiException ex) when (IsUnknownEndpoint(ex))
        {
            return null;
        }
    }

    /// <summary>v2.14 replaced …/secret with …/secrets (§6, §13); unknown or unparsable versions try …/secrets first.</summary>
    public static bool UsesMultiSecretEndpoint(string? version) =>
        ParseVersion(version) is not { } v || v >= new Version(2, 14, 0);

    public static Version? ParseVersion(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return null;
        }

        var core = version.Trim().TrimStart('v').Split('-', '+')[0];
        return Version.TryParse(core, out var parsed) ? parsed : null;
    }

    /// <summary>The unknown-route 404: body exactly {"error":"API endpoint not found"} without a code (§2, §6.3).</summary>
    public static bool IsUnknownEndpoint(ExternalApiException ex) =>
        ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is null && ex.Detail == "API endpoint not found";

    private async Task<PocketIdClientSecretCreated> PostSecretAsync(string clientId, string route, CancellationToken cancellationToken) =>
        await SendJsonAsync<PocketIdClientSecretCreated>(HttpMethod.Post, ["api", "oidc", "clients", clientId, route],
            new Dictionary<string, object>(), "creating the client secret", cancellationToken);

    private IFlurlRequest Request(IEnumerable<string> segments)
    {
        var request = _http.Request();
        foreach (var segment in segments)
        {
            request.AppendPathSegment(segment, fullyEncode: true);
        }

        return request;
    }

    private async Task<T> GetAsync<T>(string[] path, string what, CancellationToken cancellationToken)
        where T : class
    {
        return await ReadCache.ReadAsync(CacheServer, string.Join('/', path), async () =>
        {
            var request = Request(path);
            var result = await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout,
                () => request.GetJsonAsync<T>(cancellationToken: cancellationToken), cancellationToken);
            return ApiCall.Require(ExternalService.PocketId, result, what);
        });
    }

    /// <summary>Reads are kept per Pocket ID address (ReadCache); a write forgets all but the connection's own facts.</summary>
    private string CacheServer => $"pocket-id {BaseUrl}";

    private void ForgetChangeableReads() =>
        ReadCache.Forget(CacheServer, request => !(request.StartsWith(".well-known/", StringComparison.Ordinal)
            || request is "api/version/current" or "api/users/me"));

    private Task<IReadOnlyList<T>> ListAllAsync<T>(string[] path, string? search, string what, CancellationToken cancellationToken) =>
        ReadCache.ReadAsync(CacheServer, $"{string.Join('/', path)}?search={search}", () => ListAllUncachedAsync<T>(path, search, what, cancellationToken));

    private async Task<IReadOnlyList<T>> ListAllUncachedAsync<T>(string[] path, string? search, string what, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        // A page past the end is clamped to the last page, so stop at currentPage >= totalPages (§2 "Pagination").
        for (var page = 1; ; page++)
        {
            var request = Request(path)
                .SetQueryParam("pagination[page]", page)
                .SetQueryParam("pagination[limit]", PageSize);
            if (!string.IsNullOrEmpty(search))
            {
                request.SetQueryParam("search", search);
            }

            var result = await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout,
                () => request.GetJsonAsync<PocketIdPage<T>>(cancellationToken: cancellationToken), cancellationToken);
            var body = ApiCall.Require(ExternalService.PocketId, result, what);
            all.AddRange(body.Data ?? []);
            if (body.Pagination is null || body.Pagination.CurrentPage >= body.Pagination.TotalPages || page >= 1000)
            {
                return all;
            }
        }
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string[] path, object body, string what, CancellationToken cancellationToken)
        where T : class
    {
        var request = Request(path);
        try
        {
            var result = await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout, async () =>
            {
                var response = await request.SendJsonAsync(method, body, cancellationToken: cancellationToken);
                return await response.GetJsonAsync<T>();
            }, cancellationToken);
            return ApiCall.Require(ExternalService.PocketId, result, what);
        }
        finally
        {
            // Also after a failure: the write may have happened before the answer was lost.
            ForgetChangeableReads();
        }
    }

    /// <summary>For calls whose answer the wizard does not need (it re-reads instead).</summary>
    private async Task SendAsync(HttpMethod method, string[] path, object? body, CancellationToken cancellationToken)
    {
        var request = Request(path);
        try
        {
            await ApiCall.RunAsync(ExternalService.PocketId, _options.RequestTimeout,
                () => body is null
                    ? request.SendAsync(method, cancellationToken: cancellationToken)
                    : request.SendJsonAsync(method, body, cancellationToken: cancellationToken), cancellationToken);
        }
        finally
        {
            ForgetChangeableReads();
        }
    }
}
