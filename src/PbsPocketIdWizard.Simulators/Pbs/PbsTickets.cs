using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>
/// PBS tickets and CSRF tokens (pbs-api.md §2.1, §2.2). Real PBS signs with its auth key; here an HMAC with a random
/// per-process key stands in, in the same textual format.
/// </summary>
internal sealed class PbsTickets(TimeProvider time)
{
    public const int TicketLifetimeSeconds = 7200;
    public const int TfaTicketLifetimeSeconds = 600;
    private const int ClockSkewSeconds = 300;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    public string CreateTicket(string userId) => Create(Encode(userId), null);

    /// <summary>`PBS:!tfa!{json}:HEX::sig`, signed with the username as extra data (pbs-api.md §2.2).</summary>
    public string CreateTfaTicket(string userId, string challengeJson) => Create("!tfa!" + Encode(challengeJson), userId);

    /// <summary>The user id of a valid full ticket, or null.</summary>
    public string? VerifyTicket(string ticket)
    {
        var data = Verify(ticket, null, -ClockSkewSeconds, TicketLifetimeSeconds);
        return data is null || data.StartsWith("!tfa!", StringComparison.Ordinal) ? null : Decode(data);
    }

    public bool VerifyTfaTicket(string ticket, string userId)
    {
        var data = Verify(ticket, userId, -60, TfaTicketLifetimeSeconds);
        return data is not null && data.StartsWith("!tfa!", StringComparison.Ordinal);
    }

    /// <summary>`HEXEPOCH:BASE64HMAC` (8 upper-hex digits) bound to the user id.</summary>
    public string CreateCsrfToken(string userId)
    {
        var stamp = Now.ToString("X8", CultureInfo.InvariantCulture);
        return $"{stamp}:{Sign($"{stamp}:{userId}")}";
    }

    public bool VerifyCsrfToken(string? token, string userId)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon != 8 || !long.TryParse(token[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var stamp))
        {
            return false;
        }

        var age = Now - stamp;
        if (age < -ClockSkewSeconds || age > TicketLifetimeSeconds)
        {
            return false;
        }

        return FixedEquals(token[(colon + 1)..], Sign($"{token[..8]}:{userId}"));
    }

    private string Create(string data, string? aad)
    {
        var unsigned = $"PBS:{data}:{Now.ToString("X8", CultureInfo.InvariantCulture)}";
        return $"{unsigned}::{Sign(aad is null ? unsigned : unsigned + "\0" + aad)}";
    }

    private string? Verify(string ticket, string? aad, long minAge, long maxAge)
    {
        var sigAt = ticket.LastIndexOf("::", StringComparison.Ordinal);
        if (!ticket.StartsWith("PBS:", StringComparison.Ordinal) || sigAt < 0)
        {
            return null;
        }

        var unsigned = ticket[..sigAt];
        var signature = ticket[(sigAt + 2)..];
        var stampAt = unsigned.LastIndexOf(':');
        if (stampAt <= 4 || !long.TryParse(unsigned[(stampAt + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var stamp))
        {
            return null;
        }

        if (!FixedEquals(signature, Sign(aad is null ? unsigned : unsigned + "\0" + aad)))
        {
            return null;
        }

        var age = Now - stamp;
        return age < minAge || age > maxAge ? null : unsigned[4..stampAt];
    }

    private string Sign(string text) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text))).TrimEnd('=');

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Only `%`, `:` and control characters are percent-encoded in ticket data.</summary>
    private static string Encode(string data)
    {
        var sb = new StringBuilder();
        foreach (var c in data)
        {
            if (c is ':' or '%' || char.IsControl(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string Decode(string data) => Uri.UnescapeDataString(data);

    /// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits), one step of tolerance either side.</summary>
    public bool VerifyTotp(string base32Secret, string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var key = Base32Decode(base32Secret);
        var counter = Now / 30;
        for (var step = -1; step <= 1; step++)
        {
            if (FixedEquals(Totp(key, counter + step), code))
            {
                return true;
            }
        }

        return false;
    }

    public static string Totp(byte[] key, long counter)
    {
        var message = new byte[8];
        for (var i = 7; i >= 0; i--)
        {
            message[i] = (byte)(counter & 0xff);
            counter >>= 8;
        }

        var hash = HMACSHA1.HashData(key, message);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    public static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Trim().TrimEnd('=').Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("invalid base32 character");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)((buffer >> (bits - 8)) & 0xff));
                bits -= 8;
            }
        }

        return output.ToArray();
    }
}
