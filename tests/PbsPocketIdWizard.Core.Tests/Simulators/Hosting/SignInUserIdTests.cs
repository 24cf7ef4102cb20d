using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Hosting;

/// <summary>
/// How PBS turns a Pocket ID sign-in into a user id, and what a failed finish looks like from both sides
/// (src/api2/access/openid.rs, real-source-findings.md §2, §3, §4).
/// </summary>
public sealed class SignInUserIdTests
{
    private static async Task<SimulatorServers> StartWithRealmAsync(string usernameClaim = "username")
    {
        var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, usernameClaim);
        return servers;
    }

    private static Task<HttpResponseMessage> GrantAuditAsync(SimulatorServers servers, string userId) =>
        RoundTripBed.SendAsRootAsync(servers, HttpMethod.Put, "/api2/json/access/acl", new Dictionary<string, string>
        {
            ["path"] = "/",
            ["auth-id"] = userId,
            ["role"] = "Audit",
        });

    [Fact]
    public async Task SignIn_UsernameWithAt_SplitsAtLastAtAndAclGrantWorks()
    {
        await using var servers = await StartWithRealmAsync();
        servers.PocketIdState.AddUser("carol@corp", "carol@example.com");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "carol@corp");
        using var grant = await GrantAuditAsync(servers, "carol@corp@PocketID");

        Assert.True(result.Succeeded, $"{result.Stage}: {result.Error}");
        Assert.Equal("carol@corp@PocketID", result.UserId);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
    }

    [Fact]
    public async Task SignIn_UserIdOver64Characters_IsCreatedButRefusedByLaterCalls()
    {
        await using var servers = await StartWithRealmAsync();
        var name = new string('a', 60);
        servers.PocketIdState.AddUser(name, "long@example.com");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", name);
        using var grant = await GrantAuditAsync(servers, $"{name}@PocketID");
        using var read = await RoundTripBed.SendAsRootAsync(servers, HttpMethod.Get, $"/api2/json/access/users/{name}@PocketID");

        Assert.True(result.Succeeded, $"{result.Stage}: {result.Error}");
        Assert.Contains(servers.PbsState.Users, u => u.UserId == $"{name}@PocketID");
        Assert.Equal(HttpStatusCode.BadRequest, grant.StatusCode);
        Assert.Contains("value may only be 64 characters long", await grant.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
    }

    [Theory]
    [InlineData("dave smith")]
    [InlineData("dave:smith")]
    [InlineData("dave/smith")]
    public async Task SignIn_UsernameNotAValidPbsUserName_FailsAtLogin(string username)
    {
        await using var servers = await StartWithRealmAsync();
        servers.PocketIdState.AddUser(username, "dave@example.com");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", username);

        Assert.False(result.Succeeded);
        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal(401, result.Status);
        Assert.Equal("invalid user name in user id", result.Error);
    }

    [Fact]
    public async Task SignIn_ExistingDisabledUserWithAutocreate_FailsAsDisabled()
    {
        await using var servers = await StartWithRealmAsync();
        using var created = await RoundTripBed.SendAsRootAsync(servers, HttpMethod.Post, "/api2/json/access/users",
            new Dictionary<string, string> { ["userid"] = "alice@PocketID", ["enable"] = "0" });

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal("user 'alice@PocketID' is disabled.", result.Error);
    }

    [Fact]
    public async Task SignIn_TokenExchangeFault_PocketIdLogsAuthorizationButPbsHasNoUser()
    {
        await using var servers = await StartWithRealmAsync();
        servers.PbsState.Faults.Add(new FaultRule { Method = "POST", Path = "idp:token", Drop = true });

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal("Failed to contact token endpoint: Request failed", result.Error);
        var entry = Assert.Single(servers.PocketIdState.AuditLog.Entries, e => e.Event == PocketIdAuditLog.NewClientAuthorization);
        Assert.Equal(PocketIdSimulatorState.AliceId, entry.UserId);
        Assert.Equal("Proxmox Backup Server", entry.Data["clientName"]);
        Assert.DoesNotContain(servers.PbsState.Users, u => u.UserId == "alice@PocketID");
    }

    [Fact]
    public async Task SignIn_TokenExchangeStatusFault_ReportsTheStatus()
    {
        await using var servers = await StartWithRealmAsync();
        servers.PbsState.Faults.Add(new FaultRule { Method = "POST", Path = "idp:token", Status = 502 });

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal("Failed to contact token endpoint: Server returned invalid response: HTTP status code 502", result.Error);
    }

    [Fact]
    public async Task SignIn_Pbs_AlwaysSendsPkceS256()
    {
        await using var servers = await StartWithRealmAsync();

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.True(result.Succeeded, $"{result.Stage}: {result.Error}");
        Assert.Equal("S256", Assert.Single(servers.PocketIdState.AuditLog.Authorizations).CodeChallengeMethod);
    }

    [Fact]
    public async Task AuthUrl_RealmWithPromptAndAcrValues_CarriesThemToAuthorize()
    {
        await using var servers = await StartWithRealmAsync();
        using var update = await RoundTripBed.SendAsRootAsync(servers, HttpMethod.Put, "/api2/json/config/access/openid/PocketID",
            new Dictionary<string, string> { ["prompt"] = "login", ["acr-values"] = "urn:a,urn:b" });

        using var authUrl = await RoundTripBed.SendAsRootAsync(servers, HttpMethod.Post, "/api2/json/access/openid/auth-url",
            new Dictionary<string, string> { ["realm"] = "PocketID", ["redirect-url"] = servers.PbsOrigin });
        var url = System.Text.Json.Nodes.JsonNode.Parse(await authUrl.Content.ReadAsStringAsync())!["data"]!.GetValue<string>();
        var query = QueryHelpers.ParseQuery(new Uri(url).Query);

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("login", query["prompt"].ToString());
        Assert.Equal("urn:a urn:b", query["acr_values"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
    }
}
