using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Web.Hosting.Access;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Hosting;

public sealed class AccessGateTests : IAsyncLifetime
{
    private readonly WizardWebFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/not-found")]
    [InlineData("/app.css")]
    [InlineData("/_framework/blazor.web.js")]
    public async Task Get_WithoutToken_Answers401WithSignInHint(string path)
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Open the sign-in link printed when the wizard started", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_WithWrongToken_Answers401AndSetsNoCookie()
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.GetAsync("/?token=not-the-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task BlazorNegotiate_WithoutToken_Answers401()
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_WithoutToken_Answers200()
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_WithRightToken_RedirectsToCleanAddressWithStrictHttpOnlyCookie()
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.GetAsync($"/?token={WizardWebFactory.AccessToken}");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(AccessGate.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(WizardWebFactory.AccessToken, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithRightTokenAndOtherQuery_KeepsTheOtherQueryInTheRedirect()
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.GetAsync($"/not-found?step=2&token={WizardWebFactory.AccessToken}");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/not-found?step=2", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Get_WithSessionCookie_Answers200AndStaysSignedIn()
    {
        using var client = _factory.CreateClientWithoutRedirects();
        using var signIn = await client.GetAsync($"/?token={WizardWebFactory.AccessToken}");
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie")).Split(';')[0];

        using var first = new HttpRequestMessage(HttpMethod.Get, "/");
        first.Headers.Add("Cookie", cookie);
        using var page = await client.SendAsync(first);
        using var second = new HttpRequestMessage(HttpMethod.Get, "/");
        second.Headers.Add("Cookie", cookie);
        using var reload = await client.SendAsync(second);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Connect Proxmox Backup Server to Pocket ID", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
    }

    [Fact]
    public async Task Get_WithForgedCookie_Answers401()
    {
        using var client = _factory.CreateClientWithoutRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", $"{AccessGate.CookieName}={WizardWebFactory.AccessToken}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_AfterTenWrongTokens_Answers429EvenForTheRightToken()
    {
        using var client = _factory.CreateClientWithoutRedirects();
        for (var i = 0; i < AccessGate.MaxFailuresPerWindow; i++)
        {
            using var wrong = await client.GetAsync($"/?token=wrong-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await client.GetAsync("/?token=wrong-again");
        using var right = await client.GetAsync($"/?token={WizardWebFactory.AccessToken}");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(throttled.Headers.Contains("Retry-After"));
    }

    [Fact]
    public void Gate_AfterTheWindowPasses_AcceptsAttemptsAgain()
    {
        var time = new FakeTimeProvider();
        var gate = new AccessGate(Microsoft.Extensions.Options.Options.Create(new PbsPocketIdWizard.Web.Hosting.WizardOptions()), time);
        var client = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < AccessGate.MaxFailuresPerWindow; i++)
        {
            gate.RecordFailure(client);
        }

        var throttledNow = gate.IsThrottled(client);
        time.Advance(AccessGate.FailureWindow + TimeSpan.FromSeconds(1));

        Assert.True(throttledNow);
        Assert.False(gate.IsThrottled(client));
        Assert.False(gate.IsThrottled(IPAddress.Parse("192.0.2.8")));
    }

    [Fact]
    public void Gate_WithoutConfiguredToken_GeneratesALongRandomToken()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new PbsPocketIdWizard.Web.Hosting.WizardOptions());
        var first = new AccessGate(options, TimeProvider.System);
        var second = new AccessGate(options, TimeProvider.System);

        Assert.Matches("^[A-Za-z0-9_-]{32}$", first.Token); // 24 random bytes, base64url: safe in the sign-in link as it is
        Assert.NotEqual(first.Token, second.Token);
        Assert.True(first.IsValidToken(first.Token));
        Assert.False(first.IsValidToken(second.Token));
        Assert.False(first.IsValidSession(first.Token));
    }

    [Fact]
    public void SetSignInLinks_WithWildcardAddress_UsesPublicHost()
    {
        var gate = _factory.Services.GetRequiredService<AccessGate>();

        var links = gate.SetSignInLinks(["http://[::]:8080", "http://127.0.0.1:5000"], "pbs-wizard.lan");

        Assert.Equal($"http://pbs-wizard.lan:8080/?token={WizardWebFactory.AccessToken}", links[0].ToString());
        Assert.Equal($"http://127.0.0.1:5000/?token={WizardWebFactory.AccessToken}", links[1].ToString());
    }
}
