using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PbsPocketIdWizard.Core.Http;

/// <summary>
/// SHA-256 certificate pinning for a self-signed PBS (pbs-api.md §1, §8: SHA-256 over the DER certificate, lower-case
/// hex pairs joined by ':'). Each PBS address and pin gets its own handler (connection pool) whose callback holds that
/// pin (see ApiClientFactory), so a connection validated under one pin never carries a request made under another.
/// The callback never accepts blindly.
/// </summary>
public static class CertificatePin
{
    /// <summary>Written by the callback when it refuses a certificate: what the server presented.</summary>
    public static readonly HttpRequestOptionsKey<string> PresentedKey = new("PbsPocketIdWizard.PresentedFingerprint");

    /// <summary>PBS format: lower-case hex pairs joined by ':' (95 characters).</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// Accepts "aa:bb:…" in either case, or 64 hex digits without separators; null when it is not a SHA-256 fingerprint.
    /// </summary>
    public static string? Normalize(string? fingerprint)
    {
        if (string.IsNullOrWhiteSpace(fingerprint))
        {
            return null;
        }

        var hex = new string(fingerprint.Trim().Where(c => c != ':' && c != ' ').ToArray()).ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            return null;
        }

        return string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2)));
    }

    /// <summary>
    /// The ServerCertificateCustomValidationCallback of the handler for one pin (null: no pin): a certificate passes when
    /// normal validation passes, or when its fingerprint equals the pin. Anything else is refused and the presented
    /// fingerprint is recorded on the request so the error can show it to the admin.
    /// </summary>
    public static bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors, string? pin)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null)
        {
            return false;
        }

        var presented = Fingerprint(certificate);
        // A name mismatch is still a failure unless the exact certificate is pinned: the pin identifies the certificate.
        if (Normalize(pin) is { } expected &&
            string.Equals(expected, presented, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        request.Options.Set(PresentedKey, presented);
        return false;
    }

    public static string? PresentedFingerprint(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(PresentedKey, out var value) ? value : null;
}
