using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Http;

/// <summary>Real TLS on 127.0.0.1 with a self-signed certificate: the pin is the only way in (pbs-api.md §1).</summary>
public sealed class PinnedTlsTests : IAsyncLifetime
{
    private readonly X509Certificate2 _certificate;
    private readonly List<string> _trapped = [];
    private WebApplication? _app;
    private string _url = string.Empty;

    public PinnedTlsTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=Proxmox Backup Server, CN=pbs.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(80));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(_certificate)));
        _app = builder.Build();
        _app.MapGet("/api2/json/ping", () => Results.Text("""{"data":{"pong":true}}""", "application/json"));
        // The login answers with a redirect that keeps the method and body; the trap records any password sent to it.
        _app.MapPost("/api2/json/access/ticket", (HttpContext context) =>
            Results.Redirect($"https://{context.Request.Host}/trap/access/ticket", permanent: false, preserveMethod: true));
        _app.MapPost("/trap/{**rest}", async (HttpContext context) =>
        {
            _trapped.Add(await new StreamReader(context.Request.Body).ReadToEndAsync());
            return Results.Text("""{"data":{}}""", "application/json");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.First() ?? throw new InvalidOperationException("no address");
        _url = address;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate.Dispose();
    }

    private string Fingerprint => CertificatePin.Fingerprint(_certificate);

    [Fact]
    public async Task Ping_SelfSignedWithoutPin_FailsWithPresentedFingerprintAndAdvice()
    {
        using var fixture = new ClientFixture();
        var client = fixture.Factory.CreatePbs(new PbsConnectionInput { Url = _url });

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.PingAsync(CancellationToken.None));

        Assert.Null(ex.StatusCode);
        Assert.Equal(Fingerprint, ex.PresentedFingerprint);
        Assert.Contains("Show Fingerprint", ex.Detail, StringComparison.Ordinal);
        Assert.Contains(Fingerprint, ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_SelfSignedWithUpperCasePin_Succeeds()
    {
        using var fixture = new ClientFixture();
        var client = fixture.Factory.CreatePbs(new PbsConnectionInput { Url = _url, Fingerprint = Fingerprint.ToUpperInvariant() });

        var ping = await client.PingAsync(CancellationToken.None);

        Assert.True(ping.Pong);
    }

    [Fact]
    public async Task Ping_SelfSignedWithOtherPin_IsRefused()
    {
        using var fixture = new ClientFixture();
        var client = fixture.Factory.CreatePbs(new PbsConnectionInput { Url = _url, Fingerprint = string.Join(':', Enumerable.Repeat("ab", 32)) });

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.PingAsync(CancellationToken.None));

        Assert.Equal(Fingerprint, ex.PresentedFingerprint);
    }

    [Fact]
    public async Task Ping_AfterAPinnedPingOnTheSameFactory_WrongPinAndNoPinAreStillRefused()
    {
        using var fixture = new ClientFixture();
        var pinned = fixture.Factory.CreatePbs(new PbsConnectionInput { Url = _url, Fingerprint = Fingerprint });
        Assert.True((await pinned.PingAsync(CancellationToken.None)).Pong);

        // The pinned connection is still open in a pool: a request under another pin (or none) must not ride on it.
        var wrongPin = fixture.Factory.CreatePbs(new PbsConnectionInput { Url = _url, Fingerprint = string.Join(':', Enumerable.Repeat("ab", 32)) });
        var unpinned = fixture.Factory.CreatePbs(new PbsConnectionInput { Url = _url });

        var wrongPinRefused = await Assert.ThrowsAsync<ExternalApiException>(() => wrongPin.PingAsync(CancellationToken.None));
        var unpinnedRefused = await Assert.ThrowsAsync<ExternalApiException>(() => unpinned.PingAsync(CancellationToken.None));
        Assert.Equal(Fingerprint, wrongPinRefused.PresentedFingerprint);
        Assert.Equal(Fingerprint, unpinnedRefused.PresentedFingerprint);
        Assert.True((await pinned.PingAsync(CancellationToken.None)).Pong);
    }

    [Fact]
    public async Task Login_ServerRedirects_NotFollowedSoThePasswordStaysAndTheErrorNamesTheTarget()
    {
        using var fixture = new ClientFixture();
        var client = fixture.Factory.CreatePbs(new PbsConnectionInput
        {
            Url = _url, Fingerprint = Fingerprint, Username = "root@pam", Password = new Secret("pbs-root-password-redirected"),
        });

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.LoginAsync(null, CancellationToken.None));

        Assert.Empty(_trapped);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Contains("a redirect to https://127.0.0.1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/trap/access/ticket: use that address", ex.Message, StringComparison.Ordinal);
    }
}
