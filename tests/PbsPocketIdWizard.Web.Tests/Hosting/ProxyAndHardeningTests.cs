using System.Net;
using Microsoft.AspNetCore.Builder;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Web.Hosting.Access;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Hosting;

/// <summary>
/// The real host on Kestrel (a real client address): forwarded headers only from configured proxies, the wrong-token
/// throttle keyed by the address seen after them, and the browser-hardening headers and Origin check.
/// </summary>
public sealed class ProxyAndHardeningTests
{
    private const string Token = "proxy-test-access-token-4f1b9c";

    private static async Task<(WebApplication App, HttpClient Client, TempDirectory Data)> StartAsync(params string[] settings)
    {
        var data = new TempDirectory();
        var app = WizardWebHost.Build([
            "--environment=Testing", "--urls=http://127.0.0.1:0", $"--Wizard:DataDirectory={data.Path}", "--Wizard:Mode=Live",
            $"--Wizard:AccessToken={Token}", .. settings]);
        await app.StartAsync();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(app.Urls.First()),
        };
        return (app, client, data);
    }

    private static async Task<HttpStatusCode> SignInAsync(HttpClient client, string token, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/?token={token}");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task WrongTokens_EachWithADifferentSpoofedForwardedFor_StillThrottledAndRightTokenStillSignsIn()
    {
        var (app, client, data) = await StartAsync();
        await using (app)
        using (client)
        using (data)
        {
            for (var i = 0; i < WrongTokenThrottle.PermitsPerWindow; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(client, $"wrong-{i}", $"198.51.100.{i + 1}"));
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(client, "wrong-again", "198.51.100.200"));
            Assert.Equal(HttpStatusCode.Found, await SignInAsync(client, Token, "198.51.100.201"));
        }
    }

    [Fact]
    public async Task WrongTokens_ThroughATrustedProxy_ThrottledPerForwardedClient()
    {
        var (app, client, data) = await StartAsync("--Wizard:TrustedProxies=127.0.0.1");
        await using (app)
        using (client)
        using (data)
        {
            for (var i = 0; i < WrongTokenThrottle.PermitsPerWindow; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(client, $"wrong-{i}", "203.0.113.9"));
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(client, "wrong-again", "203.0.113.9"));
            // Another client behind the same proxy is not locked out by the first one.
            Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(client, "wrong-other", "203.0.113.10"));
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/?token=" + Token)]
    [InlineData("/health")]
    public async Task Response_AnyPage_CarriesFramingAndReferrerHeaders(string path)
    {
        var (app, client, data) = await StartAsync();
        await using (app)
        using (client)
        using (data)
        {
            using var response = await client.GetAsync(path);

            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task WizardPage_SignedIn_CarriesOneContentSecurityPolicyThatForbidsFraming()
    {
        var (app, client, data) = await StartAsync();
        await using (app)
        using (client)
        using (data)
        {
            using var signIn = await client.GetAsync($"/?token={Token}");
            using var page = new HttpRequestMessage(HttpMethod.Get, "/");
            page.Headers.Add("Cookie", signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
            using var response = await client.SendAsync(page);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(BrowserHardeningMiddleware.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task BlazorNegotiate_SignedInButForeignOrigin_Refused403WhileOwnOriginIsServed()
    {
        var (app, client, data) = await StartAsync();
        await using (app)
        using (client)
        using (data)
        {
            using var signIn = await client.GetAsync($"/?token={Token}");
            var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

            using var foreign = Negotiate(cookie, "https://evil.example");
            using var foreignResponse = await client.SendAsync(foreign);
            using var own = Negotiate(cookie, client.BaseAddress!.GetLeftPart(UriPartial.Authority));
            using var ownResponse = await client.SendAsync(own);

            Assert.Equal(HttpStatusCode.Forbidden, foreignResponse.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ownResponse.StatusCode);
        }
    }

    [Fact]
    public async Task Start_WithForwardedHeadersForEveryone_RefusedWithTheSettingToUseInstead()
    {
        using var data = new TempDirectory();

        var ex = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() => WizardWebHost.Build([
            "--environment=Testing", "--urls=http://127.0.0.1:0", $"--Wizard:DataDirectory={data.Path}", "--ForwardedHeaders_Enabled=true"]));

        Assert.Contains("Wizard__TrustedProxies", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("172.18.0.0/16, fd00::/8", true)]
    [InlineData("proxy.lan", false)]
    [InlineData("10.0.0.0/40", false)]
    public void Validate_TrustedProxies_AcceptsAddressesAndNetworksOnly(string setting, bool valid)
    {
        var options = new WizardOptions { TrustedProxies = setting };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Equal(valid, errors.Count == 0);
    }

    private static HttpRequestMessage Negotiate(string cookie, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, BrowserHardeningMiddleware.BlazorHubPath + "/negotiate?negotiateVersion=1");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", origin);
        return request;
    }
}
