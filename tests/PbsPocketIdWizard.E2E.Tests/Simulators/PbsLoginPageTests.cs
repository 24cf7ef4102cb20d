using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using PbsPocketIdWizard.Simulators.Hosting;

namespace PbsPocketIdWizard.E2E.Tests.Simulators;

/// <summary>
/// The PBS simulator's login page in Chromium (pbs-api.md §7.5): realm drop-down, "Login (OpenID redirect)",
/// Pocket ID sign-in, back at the PBS origin with code+state. The PBS certificate is pinned by its SPKI hash.
/// </summary>
public sealed class PbsLoginPageTests
{
    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(SimulatorServers servers)
    {
        var spki = Convert.ToBase64String(SHA256.HashData(servers.PbsCertificate.PublicKey.ExportSubjectPublicKeyInfo()));
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", $"--ignore-certificate-errors-spki-list={spki}"],
        });
        return (playwright, browser);
    }

    private static async Task SetUpRealmAsync(SimulatorServers servers, string usernameClaim)
    {
        using var pocketId = new HttpClient { BaseAddress = servers.PocketIdUrl };
        pocketId.DefaultRequestHeaders.Add("X-API-Key", servers.PocketIdApiKey);
        using var created = await pocketId.PostAsJsonAsync("/api/oidc/clients", new Dictionary<string, object>
        {
            ["name"] = "PBS", ["callbackURLs"] = new[] { servers.PbsOrigin }, ["isPublic"] = false,
        });
        var clientId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        using var secretResponse = await pocketId.PostAsync($"/api/oidc/clients/{clientId}/secrets", null);
        var secret = (await secretResponse.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();

        var token = servers.PbsState.AddApiToken("root@pam", "e2e");
        servers.PbsState.SetAcl("/", "root@pam!e2e", "Admin");
        using var pbs = new HttpClient(SignInDriver.PinnedHandler(servers.PbsFingerprint)) { BaseAddress = servers.PbsUrl };
        pbs.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"PBSAPIToken=root@pam!e2e:{token}");
        using var realm = await pbs.PostAsync("/api2/json/config/access/openid", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["realm"] = "PocketID", ["issuer-url"] = servers.PocketIdIssuer, ["client-id"] = clientId, ["client-key"] = secret,
            ["username-claim"] = usernameClaim, ["autocreate"] = "1", ["default"] = "1",
        }));
        Assert.True(realm.IsSuccessStatusCode, await realm.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoginPage_OpenIdRedirect_SignsInAsAlice()
    {
        await using var servers = await SimulatorServers.StartAsync(new SimulatorServersOptions { AuthFailureDelay = TimeSpan.Zero }, CancellationToken.None);
        await SetUpRealmAsync(servers, "username");
        var (playwright, browser) = await LaunchAsync(servers);
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(servers.PbsOrigin + "/");
        await Assertions.Expect(page.GetByLabel("Realm")).ToHaveValueAsync("PocketID");
        await page.GetByRole(AriaRole.Button, new() { Name = "Login (OpenID redirect)", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as alice" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed in as alice@PocketID");
        Assert.StartsWith(servers.PbsOrigin, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        Assert.Contains(servers.PbsState.Users, u => u.UserId == "alice@PocketID" && u.Email == "alice@example.com");
    }

    [Fact]
    public async Task LoginPage_EmailClaimForBob_ShowsMissingClaimError()
    {
        await using var servers = await SimulatorServers.StartAsync(new SimulatorServersOptions { AuthFailureDelay = TimeSpan.Zero }, CancellationToken.None);
        await SetUpRealmAsync(servers, "email");
        var (playwright, browser) = await LaunchAsync(servers);
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(servers.PbsOrigin + "/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Login (OpenID redirect)", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as bob" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("missing claim 'email'");
    }

    [Fact]
    public async Task LoginPage_PasswordLoginAndAxe_HasNoViolations()
    {
        await using var servers = await SimulatorServers.StartAsync(
            new SimulatorServersOptions { AuthFailureDelay = TimeSpan.Zero, PbsRootPassword = "e2e-root-pw" }, CancellationToken.None);
        var (playwright, browser) = await LaunchAsync(servers);
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(servers.PbsOrigin + "/");
        await Assertions.Expect(page.GetByLabel("Realm")).ToHaveValueAsync("pam");
        var axe = await page.RunAxe();
        await page.GetByLabel("Password").FillAsync("e2e-root-pw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Login", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed in as root@pam");
        Assert.Empty(axe.Violations);
    }
}
