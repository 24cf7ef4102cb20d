using System.Net;
using System.Text;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

/// <summary>The Pocket ID simulator's `/api/oidc/clients` admin endpoints (the wizard's own client is tested in PocketId/PocketIdClientTests).</summary>
public sealed class PocketIdOidcClientApiTests
{
    [Fact] // pocket-id-api.md §5.4 response shape: 201, defaults, no secret, allowedUserGroups/credentials.secrets null
    public async Task CreateClient_MinimalPbsBody_Returns201WithDefaults()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new
        {
            id = "proxmox-backup-pbs1",
            name = "Proxmox Backup Server",
            callbackURLs = new[] { "https://pbs.example.com:8007" },
            logoutCallbackURLs = Array.Empty<string>(),
            isPublic = false,
            pkceEnabled = false,
            isGroupRestricted = false,
            credentials = new { federatedIdentities = Array.Empty<object>() },
            launchURL = "https://pbs.example.com:8007",
        });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("proxmox-backup-pbs1", body!["id"]!.GetValue<string>());
        Assert.Equal("standard", body["clientType"]!.GetValue<string>());
        Assert.Equal(60, body["accessTokenDurationMinutes"]!.GetValue<long>());
        Assert.Equal(43200, body["refreshTokenDurationMinutes"]!.GetValue<long>());
        Assert.Equal("""{"secrets":null}""", body["credentials"]!.ToJsonString());
        Assert.True(body.AsObject().ContainsKey("allowedUserGroups"));
        Assert.Null(body["allowedUserGroups"]);
        Assert.False(body.AsObject().ContainsKey("pkceSupported"));
        Assert.Empty(sim.State.FindClient("proxmox-backup-pbs1")!.Secrets);
    }

    [Fact] // §5.3: callbackURLs omitted → null on the wire (treat null == [])
    public async Task CreateClient_WithoutCallbacks_SerialisesNull()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (_, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { name = "No callbacks" });

        Assert.Null(body!["callbackURLs"]);
        Assert.True(Guid.TryParse(body["id"]!.GetValue<string>(), out _));
    }

    [Fact] // §5.3: duplicate custom id → 409 client_id_already_exists (v2.13+)
    public async Task CreateClient_DuplicateId_Returns409()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { id = "pbs", name = "again" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("client_id_already_exists", body!["code"]!.GetValue<string>());
        Assert.Equal("Client ID is already in use", body["error"]!.GetValue<string>());
    }

    [Fact] // §4.2/§17: ≤ v2.12 a duplicate id was 400 "Client ID already in use"
    public async Task CreateClient_DuplicateIdOnLegacyProfile_Returns400()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.12.0");
        await sim.CreateClientAsync("pbs");
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { id = "pbs", name = "again" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"error":"Client ID already in use"}""", body!.ToJsonString());
    }

    [Theory] // §5.3 id rule: ^[a-zA-Z0-9._-]+$, length 2..128
    [InlineData("bad id!", "client_id")]
    [InlineData("a", "too_short")]
    public async Task CreateClient_InvalidCustomId_Returns400ValidationFailed(string id, string expectedCode)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { id, name = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body!["code"]!.GetValue<string>());
        var field = body["details"]!["fields"]!.AsArray().Single()!;
        Assert.Equal("id", field["field"]!.GetValue<string>());
        Assert.Equal(expectedCode, field["code"]!.GetValue<string>());
    }

    [Fact] // §4.1: missing name → "Name is required" with details.fields
    public async Task CreateClient_WithoutName_ReturnsNameIsRequired()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { id = "pbs" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Name is required", body!["error"]!.GetValue<string>());
        Assert.Equal("required", body["details"]!["fields"]![0]!["code"]!.GetValue<string>());
    }

    [Fact] // §2: v2.13+ require Content-Type application/json → 400 invalid_request_body
    public async Task CreateClient_WithoutJsonContentType_Returns400InvalidRequestBody()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.13.0");
        var request = sim.Admin(HttpMethod.Post, "/api/oidc/clients");
        request.Content = new StringContent("""{"name":"x"}""", Encoding.UTF8, "text/plain");
        var (status, body) = await sim.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_body", body!["code"]!.GetValue<string>());
    }

    [Theory] // §4.1: malformed JSON and type mismatches are invalid_request_body, never a 500
    [InlineData("{not json")]
    [InlineData("""{"name": 5}""")]
    [InlineData("""{"name": "x", "isPublic": "yes"}""")]
    [InlineData("""{"name": "x", "accessTokenDurationMinutes": 1.5}""")]
    public async Task CreateClient_BadJson_Returns400InvalidRequestBody(string json)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_body", body!["code"]!.GetValue<string>());
    }

    [Fact] // §5.3: isPublic forces pkceEnabled=true
    public async Task CreateClient_PublicWithoutPkce_CoercesPkceEnabled()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (_, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { name = "spa", isPublic = true, pkceEnabled = false });

        Assert.True(body!["isPublic"]!.GetValue<bool>());
        Assert.True(body["pkceEnabled"]!.GetValue<bool>());
    }

    [Theory] // §5.3 token_duration: 1..525600; 0/omitted → default
    [InlineData(525601)]
    [InlineData(-5)]
    public async Task CreateClient_TokenLifetimeOutOfRange_Returns400(long minutes)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { name = "x", accessTokenDurationMinutes = minutes });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("token_duration", body!["details"]!["fields"]![0]!["code"]!.GetValue<string>());
    }

    [Theory] // §5.3 callback_url_pattern: scheme required, javascript:/data: rejected
    [InlineData("javascript:alert(1)")]
    [InlineData("https://pbs.example.com:80x7")]
    [InlineData("no scheme")]
    public async Task CreateClient_InvalidCallback_Returns400WithIndexedField(string callback)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients",
            new { name = "x", callbackURLs = new[] { "https://ok.example.com", callback } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var field = body!["details"]!["fields"]![0]!;
        Assert.Equal("callbackURLs[1]", field["field"]!.GetValue<string>());
        Assert.Equal("callback_url_pattern", field["code"]!.GetValue<string>());
    }

    [Fact] // §5.3 / §17: PUT is a full replace; omitted isGroupRestricted clears allowed groups, callbacks, launchURL
    public async Task UpdateClient_PartialBody_ResetsOmittedFieldsAndClearsGroups()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new
        {
            id = "pbs",
            name = "PBS",
            callbackURLs = new[] { PocketIdSimHost.PbsCallback },
            launchURL = PocketIdSimHost.PbsCallback,
            isGroupRestricted = true,
            accessTokenDurationMinutes = 15,
        });
        var (groupsStatus, groupsReply) = await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs/allowed-user-groups",
            new { userGroupIds = new[] { PocketIdSimulatorState.PbsAdminsGroupId } });
        Assert.Equal(HttpStatusCode.OK, groupsStatus);
        Assert.Null(groupsReply!["allowedUserGroups"]);
        var (_, before) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs");
        Assert.Single(before!["allowedUserGroups"]!.AsArray());

        var (status, after) = await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs", new { name = "PBS renamed" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("PBS renamed", after!["name"]!.GetValue<string>());
        Assert.Null(after["callbackURLs"]);
        Assert.Null(after["launchURL"]);
        Assert.False(after["isGroupRestricted"]!.GetValue<bool>());
        Assert.Empty(after["allowedUserGroups"]!.AsArray());
        Assert.Equal(60, after["accessTokenDurationMinutes"]!.GetValue<long>());
        Assert.Empty(sim.State.FindClient("pbs")!.AllowedGroupIds);
    }

    [Fact] // §8: PUT allowed-user-groups silently ignores unknown ids and keeps isGroupRestricted
    public async Task SetAllowedGroups_UnknownIds_AreIgnored()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS", isGroupRestricted = true });
        var (status, _) = await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs/allowed-user-groups",
            new { userGroupIds = new[] { "not-a-group", PocketIdSimulatorState.PbsAdminsGroupId } });
        var (missingStatus, missing) = await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs/allowed-user-groups", new { });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([PocketIdSimulatorState.PbsAdminsGroupId], sim.State.FindClient("pbs")!.AllowedGroupIds);
        Assert.True(sim.State.FindClient("pbs")!.IsGroupRestricted);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Equal("userGroupIds", missing!["details"]!["fields"]![0]!["field"]!.GetValue<string>());
    }

    [Fact] // §4.3: unknown client → 404 not_found with details.resource
    public async Task GetClient_Unknown_Returns404NotFound()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", body!["code"]!.GetValue<string>());
        Assert.Equal("OIDC client", body["details"]!["resource"]!.GetValue<string>());
    }

    [Theory] // §5.1: DELETE a missing client: 404 on v2.14, 204 before
    [InlineData("2.14.0", HttpStatusCode.NotFound)]
    [InlineData("2.13.0", HttpStatusCode.NoContent)]
    public async Task DeleteClient_Missing_StatusDependsOnVersion(string version, HttpStatusCode expected)
    {
        await using var sim = await PocketIdSimHost.StartAsync(version);
        var (status, _) = await sim.AdminAsync(HttpMethod.Delete, "/api/oidc/clients/nope");

        Assert.Equal(expected, status);
    }

    [Fact] // §2 pagination: limit clamped to 1..100, page past the end → last page, totalPages 1 when empty
    public async Task ListClients_Pagination_ClampsLimitAndPage()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (_, empty) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients");
        Assert.Equal(1, empty!["pagination"]!["totalPages"]!.GetValue<long>());
        Assert.Equal(0, empty["pagination"]!["totalItems"]!.GetValue<long>());

        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients", new { name });
        }

        var (_, last) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients?pagination[page]=99&pagination[limit]=2&sort[column]=name");
        var (_, big) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients?pagination[limit]=1000");
        var (_, search) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients?search=AMM");

        Assert.Equal(2, last!["pagination"]!["currentPage"]!.GetValue<int>());
        Assert.Equal(2, last["pagination"]!["totalPages"]!.GetValue<long>());
        Assert.Equal("gamma", last["data"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal(100, big!["pagination"]!["itemsPerPage"]!.GetValue<int>());
        Assert.Equal("gamma", search!["data"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal(0, search["data"]![0]!["allowedUserGroupsCount"]!.GetValue<long>());
    }

    [Fact] // §7.3 hazard: the client row exists even when the logoUrl download fails
    public async Task CreateClient_WithUnreachableLogoUrl_Returns422ButClientExists()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients",
            new { id = "with-logo", name = "x", logoUrl = "https://cdn.example.com/logo.png" });
        var (privateStatus, _) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients",
            new { id = "private-logo", name = "x", logoUrl = "http://192.168.1.5/logo.png" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("logo_download_failed", body!["code"]!.GetValue<string>());
        Assert.NotNull(sim.State.FindClient("with-logo"));
        Assert.Equal(HttpStatusCode.BadRequest, privateStatus);
    }

    [Fact] // §5.1/§17 step 9: preview shows exactly the claims per scope; missing scopes → 400 field scopes
    public async Task Preview_WithScopes_ReturnsClaimsPerScope()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var (status, body) = await sim.AdminAsync(HttpMethod.Get,
            $"/api/oidc/clients/pbs/preview/{PocketIdSimulatorState.AliceId}?scopes=openid%20profile%20email");
        var (missingStatus, missing) = await sim.AdminAsync(HttpMethod.Get, $"/api/oidc/clients/pbs/preview/{PocketIdSimulatorState.AliceId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", body!["idToken"]!["preferred_username"]!.GetValue<string>());
        Assert.Equal("alice@example.com", body["userInfo"]!["email"]!.GetValue<string>());
        Assert.Null(body["userInfo"]!["groups"]);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Equal("scopes", missing!["details"]!["fields"]![0]!["field"]!.GetValue<string>());
    }
}
