using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Http;

/// <summary>Real TLS on 127.0.0.1 with a self-signed certificate: the pin is the only way in (pbs-api.md §1).</summary>
public sealed class PinnedTlsTests : IAsyncLifetime
{
    private readonly X509Certificate2 _certificate;
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
}
