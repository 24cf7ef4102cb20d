using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>A Pocket ID user as stored (§10). Immutable; the state swaps whole records.</summary>
public sealed record SimUser(
    string Id,
    string Username,
    string? Email,
    bool EmailVerified,
    string FirstName,
    string? LastName,
    string DisplayName,
    bool IsAdmin,
    bool Disabled,
    DateTimeOffset CreatedAt);

/// <summary>A user group (§9). <see cref="Name"/> is what the OIDC groups claim carries.</summary>
public sealed record SimGroup(
    string Id,
    string FriendlyName,
    string Name,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> UserIds);

/// <summary>One client secret (§6.1): only the SHA-256 and a 4-char prefix are kept.</summary>
public sealed record SimClientSecret(string Id, string Prefix, string Sha256Hex, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

public sealed record SimLogo(string Extension, byte[] Bytes);

/// <summary>Federated identity credential (§5.2); stored and echoed only, never used for auth by the simulator.</summary>
public sealed record SimFederatedIdentity
{
    [JsonPropertyName("issuer")] public string Issuer { get; init; } = string.Empty;

    [JsonPropertyName("subject")] public string? Subject { get; init; }

    [JsonPropertyName("audience")] public string? Audience { get; init; }

    [JsonPropertyName("jwks")] public string? Jwks { get; init; }

    [JsonPropertyName("replayProtection")] public bool? ReplayProtection { get; init; }
}

/// <summary>An OIDC client as stored (§5). Null lists are kept null because the wire shows null vs [] (§2).</summary>
public sealed record SimClient
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = string.Empty;
    public IReadOnlyList<string>? CallbackUrls { get; init; }
    public IReadOnlyList<string>? LogoutCallbackUrls { get; init; }
    public bool IsPublic { get; init; }
    public bool PkceEnabled { get; init; }
    public bool PkceSupported { get; init; }
    public bool RequiresReauthentication { get; init; }
    public bool RequiresPushedAuthorizationRequests { get; init; }
    public bool SkipConsent { get; init; }
    public string? LaunchUrl { get; init; }
    public bool IsGroupRestricted { get; init; }
    public long AccessTokenDurationMinutes { get; init; } = 60;
    public long RefreshTokenDurationMinutes { get; init; } = 43200;
    public IReadOnlyList<string> AllowedGroupIds { get; init; } = [];
    public IReadOnlyList<SimFederatedIdentity> FederatedIdentities { get; init; } = [];

    /// <summary>v2.14+ secrets; on ≤ v2.13 at most one entry (the replaced single secret).</summary>
    public IReadOnlyList<SimClientSecret> Secrets { get; init; } = [];

    public SimLogo? LightLogo { get; init; }
    public SimLogo? DarkLogo { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An issued authorization code; single use (§11.3).</summary>
public sealed record SimAuthCode(
    string Code,
    string ClientId,
    string UserId,
    string? RedirectUriParameter,
    IReadOnlyList<string> Scopes,
    string? Nonce,
    string? CodeChallenge,
    string? CodeChallengeMethod,
    DateTimeOffset AuthTime,
    DateTimeOffset ExpiresAt);

/// <summary>An issued access token (by jti) or refresh token.</summary>
public sealed record SimGrant(string ClientId, string UserId, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt, DateTimeOffset AuthTime);
