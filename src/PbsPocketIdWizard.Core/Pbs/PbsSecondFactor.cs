using System.Text.Json;
using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>
/// What PBS's second-factor challenge offers for a user, read from the partial `PBS:!tfa!{challenge}:…` ticket:
/// `totp` (true when TOTP is set up), `recovery` (the indices of unused recovery keys), `webauthn`/`u2f` (a security
/// key's challenge) and `yubico`. Only a TOTP code and a recovery key can be typed into a server-side client.
/// </summary>
public sealed record PbsTfaOffer(bool Totp, int RecoveryKeysLeft, bool SecurityKey, bool Yubico)
{
    private const string TfaTicketPrefix = "PBS:!tfa!";

    /// <summary>Whether anything the admin can type would answer the challenge (unknown challenges count as yes).</summary>
    public bool CanBeTyped => Totp || RecoveryKeysLeft > 0;

    /// <summary>What a challenge that cannot be read offers: assume TOTP and recovery keys, and let PBS judge the answer.</summary>
    public static readonly PbsTfaOffer Unknown = new(true, 1, false, false);

    /// <summary>The challenge inside a partial ticket; the data between the prefix and the next ':' is percent-encoded JSON.</summary>
    public static PbsTfaOffer FromTicket(string? ticket)
    {
        if (ticket is null || !ticket.StartsWith(TfaTicketPrefix, StringComparison.Ordinal))
        {
            return Unknown;
        }

        var data = ticket[TfaTicketPrefix.Length..];
        var end = data.IndexOf(':', StringComparison.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(Uri.UnescapeDataString(end < 0 ? data : data[..end]));
            var root = json.RootElement;
            return new PbsTfaOffer(
                Totp: root.TryGetProperty("totp", out var totp) && totp.ValueKind == JsonValueKind.True,
                RecoveryKeysLeft: root.TryGetProperty("recovery", out var recovery) && recovery.ValueKind == JsonValueKind.Array ? recovery.GetArrayLength() : 0,
                SecurityKey: root.TryGetProperty("webauthn", out _) || root.TryGetProperty("u2f", out _),
                Yubico: root.TryGetProperty("yubico", out var yubico) && yubico.ValueKind == JsonValueKind.True);
        }
        catch (JsonException)
        {
            return Unknown;
        }
    }
}

/// <summary>The two answers a typed second factor can be: a TOTP code or one of the user's PBS recovery keys.</summary>
public static partial class PbsSecondFactor
{
    public const string FormatMessage =
        "Enter the 6-digit code from the authenticator app, or one of the user's PBS recovery keys (four groups of four letters and digits, e.g. 3f2a-9c41-0b7d-e865).";

    /// <summary>A TOTP code: digits only (PBS's codes have 6; spaces as some apps show them are dropped).</summary>
    public static bool IsTotpCode(string? code) => Compact(code) is { Length: >= 6 and <= 8 } digits && digits.All(char.IsAsciiDigit);

    /// <summary>A recovery key as PBS hands them out: 4 groups of 4 hex digits separated by '-'.</summary>
    public static bool IsRecoveryKey(string? code) => code is not null && RecoveryKeyFormat().IsMatch(code.Trim());

    public static string? FormatProblem(string? code) =>
        string.IsNullOrWhiteSpace(code) || IsTotpCode(code) || IsRecoveryKey(code) ? null : FormatMessage;

    /// <summary>The second step's password: `recovery:KEY` for a recovery key, `totp:CODE` otherwise.</summary>
    public static string Response(string code) =>
        IsRecoveryKey(code) ? "recovery:" + code.Trim().ToLowerInvariant() : "totp:" + Compact(code);

    /// <summary>
    /// Why the typed answer cannot work with what PBS offers this user, in the admin's words; null when it may.
    /// Security keys (WebAuthn, U2F) and YubiKey OTP need the browser or the device at the PBS login page.
    /// </summary>
    public static string? Unusable(PbsTfaOffer offer, string userId)
    {
        if (offer.CanBeTyped)
        {
            return null;
        }

        var what = offer.SecurityKey ? "a security key (WebAuthn or U2F)" : offer.Yubico ? "a YubiKey one-time password" : "a second factor the wizard cannot answer";
        return $"PBS asks {userId} for {what} as the second factor. The wizard signs in to PBS from the server, so it cannot use a security key, " +
            "and this user has no TOTP and no unused recovery keys. Use an API token instead: in PBS → Configuration → Access Control → API Token, " +
            "add a token for this user, give the token the role Admin on / under Permissions, and enter it here instead of the password.";
    }

    /// <summary>What to type, after the factors the challenge offers.</summary>
    public static string Ask(PbsTfaOffer? offer) => offer switch
    {
        { Totp: true, RecoveryKeysLeft: > 0 } or null => "enter the current TOTP code from the authenticator app or one of the user's recovery keys",
        { Totp: true } => "enter the current TOTP code from the authenticator app",
        _ => $"enter one of the user's recovery keys (this user has no TOTP; {offer.RecoveryKeysLeft} unused keys left)",
    };

    /// <summary>Why PBS refused the typed answer, as far as the challenge tells, and what to do.</summary>
    public static string Refused(string? code, PbsTfaOffer? offer)
    {
        if (IsRecoveryKey(code))
        {
            return offer is { RecoveryKeysLeft: 0 }
                ? "This user has no unused recovery keys left: enter the current TOTP code, or create new recovery keys in PBS (Configuration → Access Control → Two Factor Authentication) and test again."
                : "PBS did not accept the recovery key: each key works only once. Enter another unused key, or the current TOTP code, and test again.";
        }

        return offer is { Totp: false }
            ? "This user has no TOTP in PBS: enter one of the user's recovery keys and test again."
            : "The TOTP code was wrong or too old: enter the current code and test again.";
    }

    private static string Compact(string? code) => (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).Trim();

    [GeneratedRegex("^[0-9A-Fa-f]{4}(?:-[0-9A-Fa-f]{4}){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex RecoveryKeyFormat();
}
