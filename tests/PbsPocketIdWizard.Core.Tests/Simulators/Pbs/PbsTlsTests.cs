using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Simulators.Pbs;
using PbsPocketIdWizard.Simulators.Tls;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §1: self-signed proxy certificate, fingerprint format, pinning over real loopback TLS.</summary>
public sealed class PbsTlsTests
{
    [Fact]
    public void Fingerprint_IsLowerCaseSha256PairsJoinedByColon_Section1()
    {
        var cert = PbsTestHost.Certificate;

        var fingerprint = SelfSignedCertificate.Fingerprint(cert);

        Assert.Equal(95, fingerprint.Length);
        Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){31}$", fingerprint);
        Assert.Equal(Convert.ToHexStringLower(cert.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)),
            fingerprint.Replace(":", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_HasPbsSubjectAndLoopbackSans_Section1()
    {
        var cert = PbsTestHost.Certificate;

        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();

        Assert.Contains("O=Proxmox Backup Server", cert.Subject, StringComparison.Ordinal);
        Assert.Contains("CN=pbs-test", cert.Subject, StringComparison.Ordinal);
        Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
        Assert.Contains(IPAddress.IPv6Loopback, san.EnumerateIPAddresses());
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.True(cert.HasPrivateKey);
    }

    [Fact]
    public async Task Kestrel_OverLoopbackTls_PinnedClientSucceeds_UnpinnedFails_Section1()
    {
        var cert = PbsTestHost.Certificate;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(cert)));
        builder.Services.AddPbsSimulator(new PbsSimulatorOptions { AuthFailureDelay = TimeSpan.Zero, Certificate = cert });
        await using var app = builder.Build();
        app.MapPbsSimulator();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var baseUri = new Uri(address);
        var pin = SelfSignedCertificate.Fingerprint(cert);

        using var pinned = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Pin: accept exactly this certificate, not "anything".
                RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                    errors == SslPolicyErrors.None
                    || (presented is not null && string.Equals(SelfSignedCertificate.Fingerprint(new X509Certificate2(presented)), pin, StringComparison.OrdinalIgnoreCase)),
            },
        }) { BaseAddress = baseUri };
        using var plain = new HttpClient { BaseAddress = baseUri };

        var pong = await pinned.GetStringAsync(new Uri("/api2/json/ping", UriKind.Relative));
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetStringAsync(new Uri("/api2/json/ping", UriKind.Relative)));

        Assert.Equal("{\"data\":{\"pong\":true}}", pong);
        Assert.Equal("127.0.0.1", baseUri.Host);
        Assert.Equal("https", baseUri.Scheme);
    }
}
