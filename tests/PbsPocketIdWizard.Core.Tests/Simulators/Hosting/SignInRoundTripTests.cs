using System.Net;
using System.Net.Http.Json;
using PbsPocketIdWizard.Simulators.Hosting;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Hosting;

/// <summary>
/// The whole OpenID round trip over real loopback (pbs-api.md §7, pocket-id-api.md §11): PBS on HTTPS with a pinned
/// self-signed certificate, Pocket ID on HTTP, both started by <see cref="SimulatorServers"/>.
/// </summary>
public sealed class SignInRoundTripTests
{
    [Fact]
    public async Task SignIn_AliceWithUsernameClaim_AutocreatesPbsUserWithEmail_Section7()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, "username");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.True(result.Succeeded, $"{result.Stage}: {result.Error}");
        Assert.Equal("alice@PocketID", result.UserId);
        var alice = Assert.Single(servers.PbsState.Users, u => u.UserId == "alice@PocketID");
        Assert.Equal("alice@example.com", alice.Email);
        Assert.Equal("Alice", alice.Firstname);
        Assert.Equal("Liddell", alice.Lastname);
    }

    [Fact]
    public async Task SignIn_BobWithEmailClaim_FailsWithMissingClaim_Section7_4()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, "email");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "bob");

        Assert.False(result.Succeeded);
        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal(401, result.Status);
        Assert.Equal("missing claim 'email'", result.Error);
        Assert.DoesNotContain(servers.PbsState.Users, u => u.UserId.EndsWith("@PocketID", StringComparison.Ordinal));
    }

    /// <summary>
    /// With a host name (not a loopback IP, where fosite accepts any port: pocket-id-api.md §11.6) the callback must
    /// carry the port of the PBS origin.
    /// </summary>
    [Fact]
    public async Task SignIn_CallbackRegisteredWithoutPort_NoCodeIssued_Section7_5()
    {
        await using var servers = await RoundTripBed.StartAsync(publicHost: "localhost");
        Assert.Equal("localhost", servers.PbsUrl.Host);
        var withoutPort = $"{servers.PbsUrl.Scheme}://{servers.PbsUrl.Host}";
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, withoutPort);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, "username");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.False(result.Succeeded);
        Assert.Equal(SignInStage.Authorize, result.Stage);
        Assert.Contains("Invalid callback URL", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(servers.PbsState.Users, u => u.UserId == "alice@PocketID");
    }

    [Fact]
    public async Task AuthUrl_IssuerWithTrailingSlash_FailsWithValidationError_Section7_6()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        servers.PbsState.Reset();
        await CreateRealmWithIssuerAsync(servers, servers.PocketIdIssuer + "/", clientId, secret);

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(SignInStage.AuthUrl, result.Stage);
        Assert.Equal(400, result.Status);
        Assert.Equal($"Validation error: unexpected issuer URI `{servers.PocketIdIssuer}` (expected `{servers.PocketIdIssuer}/`)", result.Error);
    }

    [Fact]
    public async Task Login_WrongClientSecret_FailsAtTokenEndpoint_Section7_3()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, _) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, "not-the-secret", "username");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal(401, result.Status);
        Assert.StartsWith("Failed to contact token endpoint: Server returned error response: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithoutAutocreateAndNoUser_FailsWithMissingAccount_Section7_3()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await CreateRealmWithIssuerAsync(servers, servers.PocketIdIssuer, clientId, secret, autocreate: false);

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal("user account 'alice@PocketID' missing, disabled or expired.", result.Error);
    }

    [Fact]
    public async Task Login_ReplayedState_IsRefused_Section7_3()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, "username");
        var first = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");
        Assert.True(first.Succeeded, first.Error);

        using var pbs = new HttpClient(SignInDriver.PinnedHandler(servers.PbsFingerprint)) { BaseAddress = servers.PbsUrl };
        using var replay = await pbs.PostAsJsonAsync("/api2/json/access/openid/login", new Dictionary<string, string>
        {
            ["state"] = "{\"csrf_token\":\"abc\",\"realm\":\"PocketID\"}",
            ["code"] = "whatever",
            ["redirect-url"] = servers.PbsOrigin,
        });

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("no openid auth state found (possible timeout)", await replay.Content.ReadAsStringAsync());
    }

    private static async Task CreateRealmWithIssuerAsync(SimulatorServers servers, string issuer, string clientId, string secret, bool autocreate = true)
    {
        var token = servers.PbsState.AddApiToken("root@pam", "test");
        servers.PbsState.SetAcl("/", "root@pam!test", "Admin");
        using var pbs = new HttpClient(SignInDriver.PinnedHandler(servers.PbsFingerprint)) { BaseAddress = servers.PbsUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api2/json/config/access/openid")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["realm"] = "PocketID",
                ["issuer-url"] = issuer,
                ["client-id"] = clientId,
                ["client-key"] = secret,
                ["username-claim"] = "username",
                ["autocreate"] = autocreate,
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"PBSAPIToken root@pam!test:{token}");
        using var response = await pbs.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, true, "Request failed")]
    [InlineData(404, false, "Server returned invalid response: HTTP status code 404 at {issuer}/.well-known/openid-configuration")]
    public async Task AuthUrl_DiscoveryFails_Returns400WithLibraryMessage_Section7_1(int? status, bool drop, string expected)
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, "username");
        servers.PocketIdState.Faults.Add(new PbsPocketIdWizard.Simulators.Faults.FaultRule
        {
            Method = "GET", Path = "/.well-known/openid-configuration", Status = status, Drop = drop,
        });

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(SignInStage.AuthUrl, result.Stage);
        Assert.Equal(400, result.Status);
        Assert.Equal(expected.Replace("{issuer}", servers.PocketIdIssuer, StringComparison.Ordinal), result.Error);
    }

    [Fact]
    public async Task Login_UserinfoFails_Returns401_Section7_3()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await RoundTripBed.CreateRealmAsync(servers, clientId, secret, "username");
        servers.PocketIdState.Faults.Add(new PbsPocketIdWizard.Simulators.Faults.FaultRule { Path = "/api/oidc/userinfo", Drop = true });

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.Equal(SignInStage.Login, result.Stage);
        Assert.Equal(401, result.Status);
        Assert.Equal("Failed to contact userinfo endpoint: Request failed", result.Error);
        Assert.DoesNotContain(servers.PbsState.Users, u => u.UserId == "alice@PocketID");
    }

    [Fact]
    public async Task SignIn_PrecreatedUserWithoutAutocreate_Succeeds_Section5_2()
    {
        await using var servers = await RoundTripBed.StartAsync();
        var (clientId, secret) = await RoundTripBed.CreatePocketIdClientAsync(servers, servers.PbsOrigin);
        await CreateRealmWithIssuerAsync(servers, servers.PocketIdIssuer, clientId, secret, autocreate: false);
        servers.PbsState.AddUser("alice@PocketID");

        var result = await SignInDriver.SignInAsync(servers.PbsUrl, servers.PbsFingerprint, "PocketID", "alice");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("alice@PocketID", result.UserId);
    }
}
