using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>What the steps found and made. Secrets here are persisted only encrypted and wiped when the run ends.</summary>
public sealed class WizardResults
{
    // PocketIdConnection
    public string? PocketIdVersion { get; set; }

    /// <summary>The issuer from Pocket ID's discovery document, exactly as served.</summary>
    public string? Issuer { get; set; }

    public bool ApiKeyIsAdmin { get; set; }

    // PbsConnection
    public string? PbsVersion { get; set; }

    /// <summary>Fingerprint of the certificate PBS presented at the last connection test.</summary>
    public string? PbsPresentedFingerprint { get; set; }

    /// <summary>Whether this PBS has the realm `default` flag (3.3.7 / 3.4 and later).</summary>
    public bool PbsSupportsDefaultRealm { get; set; } = true;

    // OidcClient
    public string? ClientId { get; set; }

    public Secret? ClientSecret { get; set; }

    public List<string> CallbackUrls { get; set; } = [];

    /// <summary>The client found in place and adopted (not created by the run), with its values before the repair.</summary>
    public AdoptedClient? AdoptedClient { get; set; }

    /// <summary>When several clients could be the hand-made one: "id — name, callbacks" for the admin to choose from.</summary>
    public List<ClientCandidate> ClientCandidates { get; set; } = [];

    // PbsRealm
    public string? RealmAuthUrlCheck { get; set; }

    /// <summary>The realm found in place and adopted (not created by the run), with its values before the repair.</summary>
    public AdoptedRealm? AdoptedRealm { get; set; }

    // FirstSignIn
    public List<DetectedUser> DetectedUsers { get; set; } = [];

    // Summary
    public List<VerificationItem> Verification { get; set; } = [];
}

/// <summary>A Pocket ID client that may be the one a hand-made setup uses.</summary>
public sealed record ClientCandidate(string Id, string Name, IReadOnlyList<string> CallbackUrls);

public sealed record DetectedUser(string UserId, string? Email, string? DisplayName, DateTimeOffset SeenAt);

public sealed record VerificationItem(string Check, bool Passed, string Detail);
