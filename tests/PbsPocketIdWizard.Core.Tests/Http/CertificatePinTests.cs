using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PbsPocketIdWizard.Core.Http;

namespace PbsPocketIdWizard.Core.Tests.Http;

public sealed class CertificatePinTests : IDisposable
{
    private readonly X509Certificate2 _certificate;

    public CertificatePinTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=Proxmox Backup Server, CN=pbs.example.com", key, HashAlgorithmName.SHA256);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(60));
    }

    public void Dispose() => _certificate.Dispose();

    private string ExpectedFingerprint => string.Join(':', SHA256.HashData(_certificate.RawData).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Fingerprint_IsLowerCaseColonSeparatedSha256OfDer()
    {
        var fingerprint = CertificatePin.Fingerprint(_certificate);

        Assert.Equal(95, fingerprint.Length);
        Assert.Equal(ExpectedFingerprint, fingerprint);
    }

    [Fact]
    public void Validate_NormalValidationPasses_Accepts()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pbs.example.com:8007/");
        Assert.True(CertificatePin.Validate(request, _certificate, null, SslPolicyErrors.None, pin: null));
    }

    [Fact]
    public void Validate_UntrustedCertificateWithMatchingUpperCasePin_Accepts()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pbs.example.com:8007/");
        Assert.True(CertificatePin.Validate(request, _certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, ExpectedFingerprint.ToUpperInvariant()));
        Assert.Null(CertificatePin.PresentedFingerprint(request));
    }

    [Fact]
    public void Validate_UntrustedCertificateWithoutPin_RefusesAndRecordsPresentedFingerprint()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pbs.example.com:8007/");
        Assert.False(CertificatePin.Validate(request, _certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, pin: null));
        Assert.Equal(ExpectedFingerprint, CertificatePin.PresentedFingerprint(request));
    }

    [Fact]
    public void Validate_UntrustedCertificateWithOtherPin_Refuses()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pbs.example.com:8007/");
        Assert.False(CertificatePin.Validate(request, _certificate, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch,
            string.Join(':', Enumerable.Repeat("ab", 32))));
        Assert.Equal(ExpectedFingerprint, CertificatePin.PresentedFingerprint(request));
    }

    [Fact]
    public void Validate_NoCertificate_Refuses()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pbs.example.com:8007/");
        Assert.False(CertificatePin.Validate(request, null, null, SslPolicyErrors.RemoteCertificateNotAvailable, ExpectedFingerprint));
    }

    [Theory]
    [InlineData("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99")]
    [InlineData("aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899")]
    [InlineData("  aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99 ")]
    public void Normalize_AcceptsUpperCaseAndBareHex(string input) =>
        Assert.Equal("aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99", CertificatePin.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("aa:bb")]
    [InlineData("zz:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99")]
    public void Normalize_RejectsWhatIsNotASha256(string input) => Assert.Null(CertificatePin.Normalize(input));
}
