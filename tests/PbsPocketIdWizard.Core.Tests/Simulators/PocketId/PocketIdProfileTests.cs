using System.Net;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

public sealed class PocketIdProfileTests
{
    [Fact] // pocket-id-api.md §11.6: v1.2–v2.9 TOFU saves the first redirect_uri of a client without callbacks
    public async Task Authorize_TofuProfileAndNoCallbacks_SavesFirstRedirectUri()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.9.0");
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS" });
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs"), cookie);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal([PocketIdSimHost.PbsCallback], sim.State.FindClient("pbs")!.CallbackUrls);
    }

    [Fact] // §11.6: v2.10+ has no TOFU: empty callbackURLs ⇒ every login fails
    public async Task Authorize_CurrentProfileAndNoCallbacks_Fails()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS" });
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs"), cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(sim.State.FindClient("pbs")!.CallbackUrls);
    }

    [Fact] // §4.2: ≤ v2.12 a missing record is 404 {"error":"Record not found"}; no X-Request-ID
    public async Task GetClient_UnknownOnLegacyProfile_ReturnsRecordNotFound()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.12.0");
        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"error":"Record not found"}""", body!.ToJsonString());
    }

    [Fact] // §2: older versions did not check the JSON content type
    public async Task CreateClient_TextPlainOnLegacyProfile_IsAccepted()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.12.0");
        var request = sim.Admin(HttpMethod.Post, "/api/oidc/clients");
        request.Content = new StringContent("""{"name":"x"}""", System.Text.Encoding.UTF8, "text/plain");
        var (status, body) = await sim.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Null(body!["clientType"]);
    }

    [Fact] // §5.2: v2.13 has no credentials.secrets (the single secret is not listed)
    public async Task ClientDto_On213_HasNoSecretMetadata()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.13.0");
        await sim.CreateClientAsync("pbs");
        await sim.CreateSecretAsync("pbs");
        var (_, client) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs");

        Assert.Equal("{}", client!["credentials"]!.ToJsonString());
        Assert.Equal("standard", client["clientType"]!.GetValue<string>());
    }

    [Fact] // §3.3: GET /api/version/current is answered with the profile's version, no leading v
    public async Task VersionCurrent_On213_ReportsProfileVersion()
    {
        await using var sim = await PocketIdSimHost.StartAsync("v2.13.0");
        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/version/current");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2.13.0", body!["currentVersion"]!.GetValue<string>());
    }

    [Fact] // §9: PUT /api/users/:id/user-groups replaces memberships; the groups claim follows
    public async Task SetUserGroups_AddsBobToPbsAdmins_GroupsClaimFollows()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (status, user) = await sim.AdminAsync(HttpMethod.Put, $"/api/users/{PocketIdSimulatorState.BobId}/user-groups",
            new { userGroupIds = new[] { PocketIdSimulatorState.PbsAdminsGroupId, "unknown" } });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pbs-admins", user!["userGroups"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal(["pbs-admins"], sim.State.GroupNamesOf(PocketIdSimulatorState.BobId));
    }

    [Fact] // §11.1 end_session_endpoint: clears the session; redirects only to a registered logout callback
    public async Task EndSession_WithRegisteredLogoutCallback_RedirectsAndSignsOut()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS", callbackURLs = new[] { PocketIdSimHost.PbsCallback }, logoutCallbackURLs = new[] { "https://pbs.example.com:8007/logout" } });
        using var ok = await sim.Http.GetAsync("/api/oidc/end-session?client_id=pbs&post_logout_redirect_uri=https%3A%2F%2Fpbs.example.com%3A8007%2Flogout");
        using var other = await sim.Http.GetAsync("/api/oidc/end-session?client_id=pbs&post_logout_redirect_uri=https%3A%2F%2Fevil.example.com");

        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal("https://pbs.example.com:8007/logout", PocketIdSimHost.RawLocation(ok));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("access_token=;", ok.Headers.GetValues("Set-Cookie").Single(), StringComparison.Ordinal);
    }
}
