using System.Net;
using System.Text.Json;
using Flurl.Http.Testing;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.PocketId;

public sealed class PocketIdClientTests : IDisposable
{
    private const string Base = "https://id.example.com";
    private const string ApiKey = "k3yk3yk3yk3yk3yk3yk3yk3yk3yk3yk3";
    private const string NotFoundRoute = """{"error":"API endpoint not found"}""";

    private const string ClientJson = """
        {"id":"pbs-1","name":"Proxmox Backup Server","description":"","hasLogo":false,"hasDarkLogo":false,
         "launchURL":"https://pbs.example.com:8007","requiresReauthentication":false,"clientType":"standard",
         "callbackURLs":["https://pbs.example.com:8007"],"logoutCallbackURLs":["https://pbs.example.com:8007/logout"],
         "isPublic":false,"pkceEnabled":false,"requiresPushedAuthorizationRequests":false,"skipConsent":true,
         "credentials":{"federatedIdentities":[{"issuer":"https://fed","replayProtection":true}],"secrets":null},
         "isGroupRestricted":true,"accessTokenDurationMinutes":30,"refreshTokenDurationMinutes":600,
         "allowedUserGroups":[{"id":"g1","name":"admins","friendlyName":"Admins","customClaims":null,"userCount":0,"ldapId":null,"createdAt":"2026-08-22T20:15:28Z"}]}
        """;

    private readonly HttpTest _http = new();
    private readonly ClientFixture _fixture = new();
    private readonly PocketIdClient _client;

    public PocketIdClientTests()
    {
        _client = _fixture.Factory.CreatePocketId(new PocketIdConnectionInput { Url = Base + "/", ApiKey = new Secret(ApiKey) });
    }

    public void Dispose()
    {
        _http.Dispose();
        _fixture.Dispose();
    }

    [Fact]
    public async Task Discovery_ReadsIssuerFromWellKnown()
    {
        _http.RespondWith("""{"issuer":"https://id.example.com","token_endpoint":"https://id.example.com/api/oidc/token"}""");

        var discovery = await _client.GetDiscoveryAsync(CancellationToken.None);

        Assert.Equal("https://id.example.com", discovery.Issuer);
        Assert.True(discovery.LooksLikePocketId);
        _http.ShouldHaveCalled($"{Base}/.well-known/openid-configuration").WithVerb(HttpMethod.Get);
    }

    [Fact]
    public async Task CurrentUser_SendsApiKeyHeader()
    {
        _http.RespondWith("""{"id":"u1","username":"admin","isAdmin":true,"disabled":false}""");

        var me = await _client.GetCurrentUserAsync(CancellationToken.None);

        Assert.True(me.IsAdmin);
        _http.ShouldHaveCalled($"{Base}/api/users/me").WithHeader("X-API-Key", ApiKey);
    }

    [Fact]
    public async Task Version_ReadsCurrentVersion()
    {
        _http.RespondWith("""{"currentVersion":"2.14.0"}""");

        Assert.Equal("2.14.0", await _client.GetVersionAsync(CancellationToken.None));
        _http.ShouldHaveCalled($"{Base}/api/version/current");
    }

    [Fact]
    public async Task Version_BeforeV23_UnknownRoute404_ReturnsNull()
    {
        // pocket-id-api.md §12: 404 without code means < v2.3.
        _http.RespondWith(NotFoundRoute, 404);

        Assert.Null(await _client.GetVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListOidcClients_SearchesByNameAndFollowsPagesUntilTheLast()
    {
        _http.RespondWith("{\"data\":[" + ClientJson + "],\"pagination\":{\"totalPages\":2,\"totalItems\":2,\"currentPage\":1,\"itemsPerPage\":1}}")
            .RespondWith("""{"data":[{"id":"other","name":"Proxmox Backup Server","callbackURLs":null}],"pagination":{"totalPages":2,"totalItems":2,"currentPage":2,"itemsPerPage":1}}""");

        var clients = await _client.ListOidcClientsAsync("Proxmox Backup Server", CancellationToken.None);

        Assert.Equal(["pbs-1", "other"], clients.Select(c => c.Id));
        Assert.Empty(clients[1].CallbackUrlList);
        _http.ShouldHaveCalled($"{Base}/api/oidc/clients").WithQueryParam("search", "Proxmox Backup Server")
            .WithQueryParam("pagination[page]", 2).Times(1);
    }

    [Fact]
    public async Task CreateOidcClient_SendsExactJsonNamesAndNoLogoUrl()
    {
        _http.RespondWith(ClientJson, 201);

        var created = await _client.CreateOidcClientAsync(new PocketIdOidcClientWrite
        {
            Id = "pbs-1",
            Name = "Proxmox Backup Server",
            CallbackUrls = ["https://pbs.example.com:8007"],
            LaunchUrl = "https://pbs.example.com:8007",
            IsGroupRestricted = true,
        }, CancellationToken.None);

        Assert.Equal("pbs-1", created.Id);
        var call = Assert.Single(_http.CallLog);
        Assert.Equal(HttpMethod.Post, call.HttpRequestMessage.Method);
        Assert.Equal($"{Base}/api/oidc/clients", call.Request.Url.ToString());
        using var body = JsonDocument.Parse(call.RequestBody);
        var names = body.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Contains("callbackURLs", names);
        Assert.Contains("launchURL", names);
        Assert.Contains("isGroupRestricted", names);
        Assert.Contains("credentials", names);
        Assert.DoesNotContain("logoUrl", names);
        Assert.DoesNotContain("darkLogoUrl", names);
        Assert.Equal("https://pbs.example.com:8007", body.RootElement.GetProperty("callbackURLs")[0].GetString());
    }

    [Fact]
    public async Task UpdateOidcClient_GetsThenPutsTheFullObjectKeepingEverythingNotModified()
    {
        _http.RespondWith(ClientJson).RespondWith(ClientJson);

        await _client.UpdateOidcClientAsync("pbs-1", c => c with { CallbackUrls = [.. c.CallbackUrls, "https://pbs.example.com"] }, CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/api/oidc/clients/pbs-1").WithVerb(HttpMethod.Get).Times(1);
        var put = _http.CallLog.Single(c => c.HttpRequestMessage.Method == HttpMethod.Put);
        using var body = JsonDocument.Parse(put.RequestBody);
        var root = body.RootElement;
        // pocket-id-api.md §5.3: PUT is a full replacement; omitted isGroupRestricted would drop the allowed groups.
        Assert.True(root.GetProperty("isGroupRestricted").GetBoolean());
        Assert.True(root.GetProperty("skipConsent").GetBoolean());
        Assert.Equal(["https://pbs.example.com:8007", "https://pbs.example.com"], root.GetProperty("callbackURLs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("https://pbs.example.com:8007/logout", root.GetProperty("logoutCallbackURLs")[0].GetString());
        Assert.Equal("https://fed", root.GetProperty("credentials").GetProperty("federatedIdentities")[0].GetProperty("issuer").GetString());
        Assert.Equal(30, root.GetProperty("accessTokenDurationMinutes").GetInt64());
        Assert.Equal(600, root.GetProperty("refreshTokenDurationMinutes").GetInt64());
        Assert.Equal("https://pbs.example.com:8007", root.GetProperty("launchURL").GetString());
        Assert.False(root.TryGetProperty("id", out _));
        Assert.False(root.TryGetProperty("logoUrl", out _));
    }

    [Fact]
    public async Task FindOidcClient_NotFound_ReturnsNull()
    {
        _http.RespondWith("""{"error":"OIDC client not found","code":"not_found","details":{"resource":"OIDC client"}}""", 404);

        Assert.Null(await _client.FindOidcClientAsync("missing", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteOidcClient_SendsDeleteAndTreatsNotFoundAsDone()
    {
        _http.RespondWith(string.Empty, 204).RespondWith("""{"error":"OIDC client not found","code":"not_found"}""", 404);

        await _client.DeleteOidcClientAsync("pbs-1", CancellationToken.None);
        await _client.DeleteOidcClientAsync("pbs-1", CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/api/oidc/clients/pbs-1").WithVerb(HttpMethod.Delete).Times(2);
    }

    [Fact]
    public async Task CreateSecret_OnV214_PostsToSecrets()
    {
        _http.RespondWith("""{"id":"s1","prefix":"AbC1","createdAt":"2026-08-22T20:15:28Z","expiresAt":null,"isActive":true,"secret":"AbC1defghijklmnopqrstuvwxyz01234"}""", 201);

        var secret = await _client.CreateClientSecretAsync("pbs-1", "2.14.0", CancellationToken.None);

        Assert.Equal("AbC1defghijklmnopqrstuvwxyz01234", secret.Reveal());
        _http.ShouldHaveCalled($"{Base}/api/oidc/clients/pbs-1/secrets").WithVerb(HttpMethod.Post).Times(1);
        _http.ShouldNotHaveCalled($"{Base}/api/oidc/clients/pbs-1/secret");
    }

    [Fact]
    public async Task CreateSecret_OnV213_PostsToSingularSecret()
    {
        _http.RespondWith("""{"secret":"legacy-secret-value-0123456789ab"}""");

        var secret = await _client.CreateClientSecretAsync("pbs-1", "2.13.0", CancellationToken.None);

        Assert.Equal("legacy-secret-value-0123456789ab", secret.Reveal());
        _http.ShouldHaveCalled($"{Base}/api/oidc/clients/pbs-1/secret").WithVerb(HttpMethod.Post).Times(1);
        _http.ShouldNotHaveCalled($"{Base}/api/oidc/clients/pbs-1/secrets");
    }

    [Fact]
    public async Task CreateSecret_UnknownVersionAndSecretsRouteMissing_FallsBackToSecret()
    {
        // pocket-id-api.md §6.3: 404 without code = the route does not exist in this version.
        _http.RespondWith(NotFoundRoute, 404).RespondWith("""{"secret":"legacy-secret-value-0123456789ab"}""");

        var secret = await _client.CreateClientSecretAsync("pbs-1", null, CancellationToken.None);

        Assert.Equal("legacy-secret-value-0123456789ab", secret.Reveal());
        Assert.Equal(["/api/oidc/clients/pbs-1/secrets", "/api/oidc/clients/pbs-1/secret"], _http.CallLog.Select(c => c.Request.Url.Path));
    }

    [Fact]
    public async Task CreateSecret_ClientMissing404WithCode_DoesNotFallBack()
    {
        _http.RespondWith("""{"error":"OIDC client not found","code":"not_found"}""", 404);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _client.CreateClientSecretAsync("gone", "2.14.0", CancellationToken.None));

        Assert.Equal("not_found", ex.ErrorCode);
        Assert.Single(_http.CallLog);
    }

    [Fact]
    public async Task CreateSecret_AnswerWithoutSecret_IsAnError()
    {
        _http.RespondWith("""{"id":"s1"}""", 201);

        await Assert.ThrowsAsync<ExternalApiException>(() => _client.CreateClientSecretAsync("pbs-1", "2.14.0", CancellationToken.None));
    }

    [Fact]
    public async Task UploadLogo_PostsMultipartFieldFileWithTheFileName()
    {
        _http.RespondWith(string.Empty, 204);

        await _client.UploadLogoAsync("pbs-1", "pbs.png", [0x89, 0x50, 0x4E, 0x47], light: true, CancellationToken.None);

        var call = Assert.Single(_http.CallLog);
        Assert.Equal("/api/oidc/clients/pbs-1/logo", call.Request.Url.Path);
        Assert.Equal("true", call.Request.Url.QueryParams.FirstOrDefault("light")?.ToString());
        var content = Assert.IsAssignableFrom<MultipartContent>(call.HttpRequestMessage.Content);
        var part = Assert.Single(content);
        Assert.Equal("file", part.Headers.ContentDisposition?.Name?.Trim('"'));
        Assert.Equal("pbs.png", part.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task UploadLogo_DarkMode_PostsWithLightFalse()
    {
        _http.RespondWith(string.Empty, 204);

        await _client.UploadLogoAsync("pbs-1", "pbs-dark.svg", "<svg/>"u8.ToArray(), light: false, CancellationToken.None);

        Assert.Equal("false", Assert.Single(_http.CallLog).Request.Url.QueryParams.FirstOrDefault("light")?.ToString());
    }

    [Fact]
    public async Task SetAllowedUserGroups_PutsUserGroupIds()
    {
        _http.RespondWith(ClientJson);

        await _client.SetAllowedUserGroupsAsync("pbs-1", ["g1", "g2"], CancellationToken.None);

        _http.ShouldHaveCalled($"{Base}/api/oidc/clients/pbs-1/allowed-user-groups").WithVerb(HttpMethod.Put)
            .WithRequestBody("""{"userGroupIds":["g1","g2"]}""");
    }

    [Fact]
    public async Task ListUserGroups_ReadsNameAndFriendlyName()
    {
        _http.RespondWith("""{"data":[{"id":"g1","friendlyName":"Admins","name":"admins","userCount":2}],"pagination":{"totalPages":1,"totalItems":1,"currentPage":1,"itemsPerPage":100}}""");

        var groups = await _client.ListUserGroupsAsync("admins", CancellationToken.None);

        Assert.Equal("admins", Assert.Single(groups).Name);
        _http.ShouldHaveCalled($"{Base}/api/user-groups").WithQueryParam("search", "admins");
    }

    [Fact]
    public async Task ListUsers_ReadsUsernamesAndAdminFlag()
    {
        _http.RespondWith("""{"data":[{"id":"u1","username":"alice","email":"alice@example.com","isAdmin":true,"disabled":false},{"id":"u2","username":"bob","email":null,"isAdmin":false}],"pagination":{"totalPages":1,"totalItems":2,"currentPage":1,"itemsPerPage":100}}""");

        var users = await _client.ListUsersAsync("a", CancellationToken.None);

        Assert.Equal(["alice", "bob"], users.Select(u => u.Username));
        Assert.Null(users[1].Email);
        _http.ShouldHaveCalled($"{Base}/api/users").WithQueryParam("search", "a").WithQueryParam("pagination[limit]", 100);
    }

    [Fact]
    public async Task PreviewClaims_SendsSpaceSeparatedScopes()
    {
        _http.RespondWith("""{"idToken":{"preferred_username":"alice","sub":"u1"},"accessToken":{},"userInfo":{"email":"a@example.com"}}""");

        var preview = await _client.PreviewClaimsAsync("pbs-1", "u1", "openid profile email", CancellationToken.None);

        Assert.Equal("alice", preview.IdToken?["preferred_username"].GetString());
        _http.ShouldHaveCalled($"{Base}/api/oidc/clients/pbs-1/preview/u1").WithQueryParam("scopes", "openid profile email");
    }

    [Fact]
    public async Task Error_V213Shape_MapsErrorAndCode()
    {
        _http.RespondWith("""{"error":"You don't have permission to perform this action","code":"forbidden","request_id":"r1"}""", 403);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _client.ListOidcClientsAsync(null, CancellationToken.None));

        Assert.Equal(ExternalService.PocketId, ex.Service);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("You don't have permission to perform this action", ex.Detail);
        Assert.Equal("forbidden", ex.ErrorCode);
    }

    [Fact]
    public async Task Error_OlderShape_MapsErrorWithoutCode()
    {
        _http.RespondWith("""{"error":"Client ID already in use"}""", 400);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _client.CreateOidcClientAsync(new PocketIdOidcClientWrite { Name = "x" }, CancellationToken.None));

        Assert.Equal("Client ID already in use", ex.Detail);
        Assert.Null(ex.ErrorCode);
    }

    [Fact]
    public async Task Error_NeverContainsTheApiKey()
    {
        _http.RespondWith("""{"error":"You are not signed in","code":"not_signed_in"}""", 401);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _client.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.DoesNotContain(ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_Timeout_HasNoStatus()
    {
        _http.SimulateTimeout();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _client.GetDiscoveryAsync(CancellationToken.None));

        Assert.Null(ex.StatusCode);
        Assert.True(ex.IsConnectionFailure);
    }

    [Fact]
    public async Task EmptyBody_IsAnError()
    {
        _http.RespondWith(string.Empty);

        await Assert.ThrowsAsync<ExternalApiException>(() => _client.GetCurrentUserAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("2.14.0", true)]
    [InlineData("2.15.1", true)]
    [InlineData("2.13.0", false)]
    [InlineData("1.16.0", false)]
    [InlineData(null, true)]
    [InlineData("unknown", true)]
    public void UsesMultiSecretEndpoint_ByVersion(string? version, bool expected) =>
        Assert.Equal(expected, PocketIdClient.UsesMultiSecretEndpoint(version));
}
