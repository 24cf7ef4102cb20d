using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>
/// One PBS login (ticket + CSRF token) kept per connection by ApiClientFactory, so a TOTP code is asked once and later
/// steps reuse the ticket; renewed before its 2 h expiry (pbs-api.md §2.1).
/// </summary>
public sealed class PbsSession
{
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal Secret? Ticket { get; private set; }

    internal string? CsrfToken { get; private set; }

    internal DateTimeOffset IssuedAt { get; private set; }

    /// <summary>A partial "PBS:!tfa!" ticket waiting for the second factor (§2.2).</summary>
    internal Secret? PendingChallenge { get; set; }

    /// <summary>What the last challenge offered (TOTP, recovery keys, a security key); kept after a refused answer to explain it.</summary>
    internal PbsTfaOffer? LastOffer { get; set; }

    public bool IsSignedIn => Ticket is not null;

    internal void Set(string ticket, string csrf, DateTimeOffset issuedAt)
    {
        Ticket = new Secret(ticket);
        CsrfToken = csrf;
        IssuedAt = issuedAt;
        PendingChallenge = null;
        LastOffer = null;
    }

    internal void Clear()
    {
        Ticket = null;
        CsrfToken = null;
        PendingChallenge = null;
        LastOffer = null;
    }
}

/// <summary>PBS answered the password with a second-factor challenge and no TOTP code or recovery key was given (pbs-api.md §2.2).</summary>
public sealed class PbsSecondFactorRequiredException(string userId)
    : Exception($"Proxmox Backup Server asks for a second factor for {userId}: enter the current TOTP code from the authenticator app or one of the user's recovery keys.")
{
    public string UserId { get; } = userId;
}

public enum PbsLoginResult
{
    /// <summary>A full ticket was issued (and kept for this connection).</summary>
    SignedIn,

    /// <summary>PBS wants a TOTP code or recovery key (the user has TFA) and none was given.</summary>
    SecondFactorRequired,

    /// <summary>PBS wants only factors nobody can type here (a security key, a YubiKey): an API token is the way in.</summary>
    SecondFactorUnusable,

    /// <summary>An API token is used; there is nothing to log in.</summary>
    ApiToken,
}
