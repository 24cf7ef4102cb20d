using System.Net;
using System.Net.Http.Headers;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

/// <summary>
/// Client rules the real source fixes (real-source-findings.md): pkceEnabled on full-replace PUTs, the 20-secret limit
/// and secret deletion on 2.14, the preview's group check, logo types and the dark logo, usernames with '@'.
/// </summary>
public sealed class PocketIdSimulatorClientRulesTests
{
    [Fact]
    public async Task UpdateClient_WithoutPkceEnabled_ResetsItToFalse()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS", callbackURLs = new[] { PocketIdSimHost.PbsCallback }, pkceEnabled = true });

        var (_, created) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs");
        var (status, updated) = await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs", new { name = "PBS", callbackURLs = new[] { PocketIdSimHost.PbsCallback } });

        Assert.True(created!["pkceEnabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(updated!["pkceEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CreateSecret_TwentyFirst_Returns400WithRealMessage()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        for (var i = 0; i < 20; i++)
        {
            await sim.CreateSecretAsync("pbs");
        }

        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/oidc/clients/pbs/secrets");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("A client cannot have more than 20 secrets", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteSecret_Superseded_LeavesOnlyTheNewOneWorkingAndListed()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await sim.CreateSecretAsync("pbs");
        var newer = await sim.CreateSecretAsync("pbs");
        var (_, listed) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs/secrets");
        var olderId = listed!.AsArray()[0]!["id"]!.GetValue<string>();

        var (status, _) = await sim.AdminAsync(HttpMethod.Delete, $"/api/oidc/clients/pbs/secrets/{olderId}");
        var (_, after) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs/secrets");
        var (redeemed, _) = await sim.RedeemAsync("pbs", newer, await sim.GetCodeAsync("pbs"));

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(newer[..4], Assert.Single(after!.AsArray())!["prefix"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, redeemed);
    }

    [Fact]
    public async Task Preview_UserOutsideAllowedGroups_Returns403AccessDenied()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS", callbackURLs = new[] { PocketIdSimHost.PbsCallback }, isGroupRestricted = true });
        await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs/allowed-user-groups", new { userGroupIds = new[] { PocketIdSimulatorState.PbsAdminsGroupId } });

        var (bobStatus, bob) = await sim.AdminAsync(HttpMethod.Get, $"/api/oidc/clients/pbs/preview/{PocketIdSimulatorState.BobId}?scopes=openid");
        var (aliceStatus, _) = await sim.AdminAsync(HttpMethod.Get, $"/api/oidc/clients/pbs/preview/{PocketIdSimulatorState.AliceId}?scopes=openid");

        Assert.Equal(HttpStatusCode.Forbidden, bobStatus);
        Assert.Equal("oidc_access_denied", bob!["code"]!.GetValue<string>());
        Assert.Equal("You're not allowed to access this service", bob["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, aliceStatus);
    }

    [Theory]
    [InlineData("logo.png", "image/png")]
    [InlineData("logo.jpg", "image/jpeg")]
    [InlineData("logo.svg", "image/svg+xml")]
    [InlineData("logo.webp", "image/webp")]
    [InlineData("logo.ico", "image/x-icon")]
    [InlineData("logo.gif", "image/gif")]
    [InlineData("logo.avif", "image/avif")]
    public async Task UploadLogo_EachAcceptedType_IsServedWithItsContentType(string fileName, string contentType)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");

        var status = await UploadAsync(sim, fileName, light: true);
        using var get = await sim.Http.GetAsync("/api/oidc/clients/pbs/logo");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(contentType, get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UploadLogo_DarkMode_IsServedForLightFalseOnly()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await UploadAsync(sim, "light.png", light: true);

        var status = await UploadAsync(sim, "dark.svg", light: false);
        using var dark = await sim.Http.GetAsync("/api/oidc/clients/pbs/logo?light=false");
        using var light = await sim.Http.GetAsync("/api/oidc/clients/pbs/logo");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("image/svg+xml", dark.Content.Headers.ContentType?.MediaType);
        Assert.Equal("image/png", light.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AddUser_UsernameWithAt_SignsInAndIsPreferredUsername()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var id = sim.State.AddUser("carol@corp", "carol@example.com");
        await sim.CreateClientAsync("pbs");

        var (status, preview) = await sim.AdminAsync(HttpMethod.Get, $"/api/oidc/clients/pbs/preview/{id}?scopes=openid%20profile");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("carol@corp", preview!["idToken"]!["preferred_username"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("erin@corp", HttpStatusCode.Created)]
    [InlineData("e", HttpStatusCode.Created)]
    [InlineData("erin smith", HttpStatusCode.BadRequest)]
    [InlineData("erin:corp", HttpStatusCode.BadRequest)]
    [InlineData("-erin", HttpStatusCode.BadRequest)]
    [InlineData("erin@", HttpStatusCode.BadRequest)]
    public async Task CreateUser_UsernameRule_AllowsAtButNotWhitespaceOrEdgeSymbols(string username, HttpStatusCode expected)
    {
        await using var sim = await PocketIdSimHost.StartAsync();

        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/users", new { username, email = "erin@example.com", firstName = "Erin" });

        Assert.Equal(expected, status);
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Equal("invalid_format", body!["details"]!["fields"]![0]!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task CreateUser_TakenUsername_Returns409()
    {
        await using var sim = await PocketIdSimHost.StartAsync();

        var (status, body) = await sim.AdminAsync(HttpMethod.Post, "/api/users", new { username = "alice", email = "a2@example.com" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("already_in_use", body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task SimUsersHook_NameTheAdminApiRefuses_IsAdded()
    {
        await using var sim = await PocketIdSimHost.StartAsync();

        using var response = await sim.Http.PostAsync("/_sim/users",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "gina smith", ["email"] = "gina@example.com" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(sim.State.FindUserByUsername("gina smith"));
    }

    private static async Task<HttpStatusCode> UploadAsync(PocketIdSimHost sim, string fileName, bool light)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent([1, 2, 3]);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var request = sim.Admin(HttpMethod.Post, $"/api/oidc/clients/pbs/logo?light={(light ? "true" : "false")}");
        request.Content = form;
        using var response = await sim.Http.SendAsync(request);
        return response.StatusCode;
    }
}
