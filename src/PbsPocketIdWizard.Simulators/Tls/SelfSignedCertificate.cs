using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PbsPocketIdWizard.Simulators.Tls;

/// <summary>A PBS-style self-signed proxy certificate (pbs-api.md §1) that Kestrel can serve.</summary>
public static class SelfSignedCertificate
{
    /// <summary>
    /// ECDSA P-256, SHA-256, serverAuth, not a CA; SAN IP 127.0.0.1, IP ::1, DNS localhost plus the common name.
    /// Real PBS uses RSA 4096. The wizard only pins the certificate's SHA-256, which does not depend on the key type,
    /// and an EC key is made in about a millisecond where an RSA key takes a noticeable part of demo mode's start.
    /// </summary>
    public static X509Certificate2 Create(string commonName, IEnumerable<string>? extraDnsNames = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName(
            $"CN={commonName}, OU={Guid.NewGuid().ToString("N").ToUpperInvariant()}, O=Proxmox Backup Server");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);

        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost" };
        foreach (var name in new[] { commonName }.Concat(extraDnsNames ?? []))
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                if (!ip.Equals(IPAddress.Loopback) && !ip.Equals(IPAddress.IPv6Loopback))
                {
                    san.AddIpAddress(ip);
                }
            }
            else if (names.Add(name))
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false)); // EC keys only sign
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(100));
        // Re-import through PFX so the private key is usable by SslStream on Linux (ephemeral keys are not).
        var pfx = created.Export(X509ContentType.Pkcs12, (string?)null);
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>SHA-256 over the DER certificate, lower-case hex pairs joined by ':' (95 characters), as PBS shows it.</summary>
    public static string Fingerprint(X509Certificate2 cert)
    {
        ArgumentNullException.ThrowIfNull(cert);
        var hash = SHA256.HashData(cert.RawData);
        return string.Join(':', hash.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
