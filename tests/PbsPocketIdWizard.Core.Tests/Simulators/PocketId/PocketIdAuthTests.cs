using System.Net;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

public sealed class PocketIdAuthTests
{
    [Fact] // pocket-id-api.md §3.2 + §4.1: no key → 401 not_signed_in with request_id equal to X-Request-ID
    public async Task AdminCall_WithoutApiKey_Returns401StructuredBody()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        using var response = await sim.Http.GetAsync("/api/oidc/clients");
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("not_signed_in", body["code"]!.GetValue<string>());
        Assert.Equal("You are not signed in", body["error"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), body["request_id"]!.GetValue<string>());
    }

    [Fact] // §3.2: an invalid key is not_signed_in (not invalid_api_key)
    public async Task AdminCall_WithWrongApiKey_Returns401NotSignedIn()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me", apiKey: "wrong-key");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("not_signed_in", body!["code"]!.GetValue<string>());
    }

    [Fact] // §4.2 / §13: before v2.13 the body is only {"error":…}
    public async Task AdminCall_WithoutKeyOnLegacyProfile_ReturnsErrorOnlyBody()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.12.0");
        using var response = await sim.Http.GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"You are not signed in"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-Request-ID"));
    }

    [Fact] // §3.2/§3.3: a non-admin's key may read /users/me but gets 403 forbidden on admin endpoints
    public async Task NonAdminKey_OnAdminEndpoint_Returns403Forbidden()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        sim.State.AddApiKey(PocketIdSimulatorState.BobId, "bob-key-0123456789", TimeProvider.System.GetUtcNow().AddDays(1));
        var (meStatus, me) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me", apiKey: "bob-key-0123456789");
        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients", apiKey: "bob-key-0123456789");

        Assert.Equal(HttpStatusCode.OK, meStatus);
        Assert.False(me!["isAdmin"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", body!["code"]!.GetValue<string>());
    }

    [Fact] // §3.2: key valid but owner disabled → 403 user_disabled; expired key → 401
    public async Task DisabledOwnerAndExpiredKey_ReturnUserDisabledAndNotSignedIn()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        sim.State.AddApiKey(PocketIdSimulatorState.BobId, "expired-key-0123456", TimeProvider.System.GetUtcNow().AddDays(-1));
        sim.State.UpdateUser(PocketIdSimulatorState.AliceId, u => u with { Disabled = true });
        var (disabledStatus, disabled) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me");
        var (expiredStatus, _) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me", apiKey: "expired-key-0123456");

        Assert.Equal(HttpStatusCode.Forbidden, disabledStatus);
        Assert.Equal("user_disabled", disabled!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, expiredStatus);
    }

    [Fact] // §3.1: STATIC_API_KEY runs as the synthetic admin user
    public async Task StaticApiKey_WhenConfigured_ActsAsStaticAdmin()
    {
        await using var sim = await PocketIdSimHost.StartAsync(configure: o => o.StaticApiKey = "static-key-1234567890");
        var (status, me) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me", apiKey: "static-key-1234567890");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(PocketIdSimulatorState.StaticApiUserId, me!["id"]!.GetValue<string>());
        Assert.StartsWith("static-api-user-", me["username"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(me["isAdmin"]!.GetValue<bool>());
    }

    [Fact] // Seed (brief) + §10 UserDto: the configured key belongs to admin alice, member of pbs-admins
    public async Task UsersMe_WithConfiguredKey_ReturnsSeededAlice()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, me) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", me!["username"]!.GetValue<string>());
        Assert.Equal("alice@example.com", me["email"]!.GetValue<string>());
        Assert.Equal("Alice", me["firstName"]!.GetValue<string>());
        Assert.Equal("Liddell", me["lastName"]!.GetValue<string>());
        Assert.True(me["isAdmin"]!.GetValue<bool>());
        Assert.Equal("pbs-admins", me["userGroups"]!.AsArray().Single()!["name"]!.GetValue<string>());
    }

    [Fact] // §3.1: the browser session cookie also authenticates the admin API (JWT step before the API key)
    public async Task SessionCookie_FromSimSignIn_AuthenticatesAdminApi()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var cookie = await sim.SignInAsync("alice");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        request.Headers.Add("Cookie", cookie);
        var (status, me) = await sim.SendAsync(request);

        Assert.StartsWith("__Host-access_token=", cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", me!["username"]!.GetValue<string>());
    }

    [Fact] // §9: group name is unique → 409 already_in_use with details.property name
    public async Task CreateGroup_DuplicateName_Returns409()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (created, group) = await sim.AdminAsync(HttpMethod.Post, "/api/user-groups", new { friendlyName = "Backup operators", name = "pbs-operators" });
        var (dupStatus, dup) = await sim.AdminAsync(HttpMethod.Post, "/api/user-groups", new { friendlyName = "Other", name = "pbs-operators" });
        var (listStatus, list) = await sim.AdminAsync(HttpMethod.Get, "/api/user-groups?search=pbs-op");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Null(group!["users"]);
        Assert.Equal(HttpStatusCode.Conflict, dupStatus);
        Assert.Equal("already_in_use", dup!["code"]!.GetValue<string>());
        Assert.Equal("name", dup["details"]!["property"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal("pbs-operators", list!["data"]!.AsArray().Single()!["name"]!.GetValue<string>());
    }

    [Fact] // §10: unknown user → 404 user_not_found
    public async Task GetUser_Unknown_Returns404UserNotFound()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/users/00000000-1111-2222-3333-444444444444");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("user_not_found", body!["code"]!.GetValue<string>());
    }
}
