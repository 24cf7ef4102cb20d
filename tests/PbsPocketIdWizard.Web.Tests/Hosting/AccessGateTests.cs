using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Web.Configuration;
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
    public async Task Get_RightTokenAfterTenWrongOnes_SignsInWhileAnEleventhWrongOneIs429()
    {
        using var client = _factory.CreateClientWithoutRedirects();
        for (var i = 0; i < WrongTokenThrottle.PermitsPerWindow; i++)
        {
            using var wrong = await client.GetAsync($"/?token=wrong-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await client.GetAsync("/?token=wrong-again");
        using var right = await client.GetAsync($"/?token={WizardWebFactory.AccessToken}");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.Found, right.StatusCode);
        Assert.StartsWith(AccessGate.CookieName + "=", Assert.Single(right.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttle_AfterTheWindowPasses_AcceptsWrongTokensAgainAndOtherAddressesWereNeverLimited()
    {
        using var throttle = new WrongTokenThrottle(TimeSpan.FromSeconds(1));
        var client = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < WrongTokenThrottle.PermitsPerWindow; i++)
        {
            Assert.True(throttle.TryRecordWrongToken(client));
        }

        var throttledNow = !throttle.TryRecordWrongToken(client);
        var otherAddress = throttle.TryRecordWrongToken(IPAddress.Parse("192.0.2.8"));
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.True(throttledNow);
        Assert.True(otherAddress);
        Assert.True(throttle.TryRecordWrongToken(client));
    }

    [Fact]
    public async Task Throttle_AddressIdleAfterItsWindow_IsForgottenAndComesBackWithAFreshCount()
    {
        var counters = new System.Collections.Concurrent.ConcurrentQueue<(string Address, System.Threading.RateLimiting.RateLimiter Counter)>();
        using var throttle = new WrongTokenThrottle(TimeSpan.FromMilliseconds(200), (address, counter) => counters.Enqueue((address, counter)));
        var client = IPAddress.Parse("192.0.2.9");
        for (var i = 0; i < WrongTokenThrottle.PermitsPerWindow; i++)
        {
            Assert.True(throttle.TryRecordWrongToken(client));
        }

        var (address, first) = Assert.Single(counters);
        // ASP.NET Core's partitioned limiter disposes and drops a counter idle (window over, all permits back) for 10 s.
        var forgotten = false;
        for (var waited = TimeSpan.Zero; !forgotten && waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(250))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            forgotten = IsDisposed(first);
        }

        Assert.Equal("192.0.2.9", address);
        Assert.True(forgotten, "the idle address's counter was kept");
        Assert.True(throttle.TryRecordWrongToken(client));
        Assert.Equal(2, counters.Count); // it came back as a new address, with a fresh count
    }

    private static bool IsDisposed(System.Threading.RateLimiting.RateLimiter counter)
    {
        try
        {
            counter.GetStatistics();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    [Fact]
    public async Task PostSignIn_WithRightTokenInForm_SetsCookieAndRedirectsHome()
    {
        using var client = _factory.CreateClientWithoutRedirects();

        using var response = await client.PostAsync(AccessGateMiddleware.SignInPath,
            new FormUrlEncodedContent([new KeyValuePair<string, string>("token", WizardWebFactory.AccessToken)]));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Contains("max-age=", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostSignOut_WithSessionCookie_CookieNoLongerOpensThePages()
    {
        using var client = _factory.CreateClientWithoutRedirects();
        using var signIn = await client.GetAsync($"/?token={WizardWebFactory.AccessToken}");
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie")).Split(';')[0];

        using var signOut = new HttpRequestMessage(HttpMethod.Post, AccessGateMiddleware.SignOutPath);
        signOut.Headers.Add("Cookie", cookie);
        using var signedOut = await client.SendAsync(signOut);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.Add("Cookie", cookie);
        using var page = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("Signed out", await signedOut.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
    }

    [Fact]
    public void Session_AfterItsLifetime_IsNoLongerValid()
    {
        var time = new FakeTimeProvider();
        var options = Microsoft.Extensions.Options.Options.Create(new WizardOptions { AccessToken = WizardWebFactory.AccessToken, SessionLifetime = TimeSpan.FromHours(1) });
        var gate = new AccessGate(options, time);
        var session = gate.IssueSession();

        var validNow = gate.IsValidSession(session);
        time.Advance(TimeSpan.FromMinutes(61));

        Assert.True(validNow);
        Assert.False(gate.IsValidSession(session));
        Assert.False(gate.IsValidSession(session + "x"));
        Assert.DoesNotContain(WizardWebFactory.AccessToken, session, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_WithTokenFile_UsesTheFilesTokenAndNamesTheFileAsSource()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "wizard_access_token");
        File.WriteAllText(file, "token-from-a-docker-secret-7c1e\n");

        var gate = new AccessGate(Microsoft.Extensions.Options.Options.Create(new WizardOptions { AccessTokenFile = file }), TimeProvider.System);

        Assert.True(gate.IsValidToken("token-from-a-docker-secret-7c1e"));
        Assert.False(gate.TokenIsGenerated);
        Assert.Contains(file, gate.TokenSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_WithoutConfiguredToken_GeneratesALongRandomToken()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new WizardOptions());
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
