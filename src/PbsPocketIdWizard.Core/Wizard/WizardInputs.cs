using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Wizard;

// Inputs are mutable classes so the UI can bind to them; the session invalidates a step's plan when they change.

public sealed class PocketIdConnectionInput
{
    /// <summary>Pocket ID's base address, e.g. https://id.example.com (no path).</summary>
    public string Url { get; set; } = string.Empty;

    public Secret? ApiKey { get; set; }
}

public sealed class PbsConnectionInput
{
    /// <summary>PBS address; port 8007 is assumed when omitted, e.g. https://pbs.example.com:8007.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>user@realm for a password login, e.g. root@pam.</summary>
    public string Username { get; set; } = "root@pam";

    public Secret? Password { get; set; }

    /// <summary>user@realm!tokenname:secret (alternative to a password).</summary>
    public Secret? ApiToken { get; set; }

    /// <summary>The SHA-256 fingerprint the admin trusts (aa:bb:…), for a self-signed PBS certificate.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>
    /// The second factor, asked when PBS answers the ticket with a challenge: a TOTP code or one of the user's PBS
    /// recovery keys (each works once); never persisted.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? TotpCode { get; set; }
}

public sealed class OidcClientInput
{
    public string Name { get; set; } = "Proxmox Backup Server";

    /// <summary>Optional logo file (PNG/SVG/JPG/WEBP/ICO/GIF/AVIF, at most 2 MiB).</summary>
    public string? LogoFileName { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? LogoContent { get; set; }

    /// <summary>Optional logo Pocket ID shows in dark mode (Pocket ID 1.14+; same types and size as the logo).</summary>
    public string? DarkLogoFileName { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? DarkLogoContent { get; set; }

    /// <summary>Extra callback URLs, e.g. a reverse proxy on 443, beside the derived PBS origin.</summary>
    public List<string> ExtraCallbackUrls { get; set; } = [];

    /// <summary>Pocket ID group names allowed to use the client; empty = no restriction.</summary>
    public List<string> AllowedGroups { get; set; } = [];

    /// <summary>
    /// The id of an existing client to adopt, when several clients could be the one a hand-made setup uses
    /// (answers file: client.id; the wizard: the picker). Empty = find it (the realm's client, or the only match).
    /// </summary>
    public string? AdoptClientId { get; set; }
}

public sealed class RealmInput
{
    public string Name { get; set; } = "PocketID";

    public bool Default { get; set; }

    public bool Autocreate { get; set; } = true;

    /// <summary>username | email | subject.</summary>
    public string UsernameClaim { get; set; } = "username";

    /// <summary>Set after the first sign-in, as the how-to says (PBS adds openid itself and ignores groups).</summary>
    public string Scopes { get; set; } = "openid profile email groups";

    public string? Comment { get; set; }

    /// <summary>
    /// Advanced: what PBS asks Pocket ID for at every sign-in, e.g. "login" to make users sign in again even with an
    /// open Pocket ID session. Empty = not set (Pocket ID decides).
    /// </summary>
    public string? Prompt { get; set; }

    /// <summary>Advanced: authentication context classes PBS requests (acr_values), separated by spaces or commas.</summary>
    public string? AcrValues { get; set; }

    /// <summary>Advanced (PBS 4.2.1+): audiences PBS accepts in the ID token besides the client id, separated by spaces or commas.</summary>
    public string? Audiences { get; set; }
}

public sealed class FirstSignInInput
{
    /// <summary>Users (name part, realm appended) to create in PBS instead of waiting for their sign-in.</summary>
    public List<string> PreCreateUsers { get; set; } = [];

    /// <summary>Users (full PBS ids, e.g. alice@PocketID) the admin picked to continue with.</summary>
    public List<string> SelectedUsers { get; set; } = [];
}

public sealed class PermissionGrantInput
{
    /// <summary>The name part (alice) or a full user id (alice@PocketID).</summary>
    public string User { get; set; } = string.Empty;

    public string Path { get; set; } = "/";

    public string Role { get; set; } = "Admin";

    public bool Propagate { get; set; } = true;
}

public sealed class PermissionsInput
{
    public List<PermissionGrantInput> Grants { get; set; } = [];

    /// <summary>Whether to set the realm scopes (the how-to's "Edit the realm" step).</summary>
    public bool SetScopes { get; set; } = true;
}
