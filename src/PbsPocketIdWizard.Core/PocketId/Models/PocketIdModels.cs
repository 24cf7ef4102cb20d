using System.Text.Json.Serialization;
using System.Text.Json;

namespace PbsPocketIdWizard.Core.PocketId.Models;

/// <summary>The parts of /.well-known/openid-configuration the wizard reads (pocket-id-api.md §11.1).</summary>
public sealed record PocketIdDiscovery
{
    [JsonPropertyName("issuer")] public string? Issuer { get; init; }

    [JsonPropertyName("authorization_endpoint")] public string? AuthorizationEndpoint { get; init; }

    [JsonPropertyName("token_endpoint")] public string? TokenEndpoint { get; init; }

    [JsonPropertyName("userinfo_endpoint")] public string? UserInfoEndpoint { get; init; }

    [JsonPropertyName("jwks_uri")] public string? JwksUri { get; init; }

    [JsonPropertyName("end_session_endpoint")] public string? EndSessionEndpoint { get; init; }

    [JsonPropertyName("claims_supported")] public IReadOnlyList<string>? ClaimsSupported { get; init; }

    /// <summary>Pocket ID's fingerprint (§12): its token endpoint lives under /api/oidc/token.</summary>
    public bool LooksLikePocketId => TokenEndpoint?.EndsWith("/api/oidc/token", StringComparison.Ordinal) == true;
}

/// <summary>UserDto (§10), the parts the wizard uses.</summary>
public sealed record PocketIdUser
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("username")] public required string Username { get; init; }

    [JsonPropertyName("email")] public string? Email { get; init; }

    [JsonPropertyName("firstName")] public string? FirstName { get; init; }

    [JsonPropertyName("lastName")] public string? LastName { get; init; }

    [JsonPropertyName("displayName")] public string? DisplayName { get; init; }

    [JsonPropertyName("isAdmin")] public bool IsAdmin { get; init; }

    [JsonPropertyName("disabled")] public bool Disabled { get; init; }
}

/// <summary>GET /api/version/current (§12), v2.3+.</summary>
public sealed record PocketIdVersionInfo
{
    [JsonPropertyName("currentVersion")] public string? CurrentVersion { get; init; }
}

/// <summary>Paginated list wrapper (§2 "Pagination").</summary>
public sealed record PocketIdPage<T>
{
    [JsonPropertyName("data")] public IReadOnlyList<T>? Data { get; init; }

    [JsonPropertyName("pagination")] public PocketIdPagination? Pagination { get; init; }
}

public sealed record PocketIdPagination
{
    [JsonPropertyName("totalPages")] public long TotalPages { get; init; }

    [JsonPropertyName("totalItems")] public long TotalItems { get; init; }

    [JsonPropertyName("currentPage")] public int CurrentPage { get; init; }

    [JsonPropertyName("itemsPerPage")] public int ItemsPerPage { get; init; }
}

/// <summary>UserGroupMinimalDto (§9). The `groups` claim carries `name`, not `friendlyName`.</summary>
public sealed record PocketIdUserGroup
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("friendlyName")] public string? FriendlyName { get; init; }
}

/// <summary>OidcClientWithAllowedUserGroupsDto (§5.2); `null` and `[]` lists mean the same (§2).</summary>
public sealed record PocketIdOidcClient
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }

    [JsonPropertyName("hasLogo")] public bool HasLogo { get; init; }

    [JsonPropertyName("hasDarkLogo")] public bool HasDarkLogo { get; init; }

    [JsonPropertyName("launchURL")] public string? LaunchUrl { get; init; }

    [JsonPropertyName("requiresReauthentication")] public bool RequiresReauthentication { get; init; }

    [JsonPropertyName("clientType")] public string? ClientType { get; init; }

    [JsonPropertyName("callbackURLs")] public IReadOnlyList<string>? CallbackUrls { get; init; }

    [JsonPropertyName("logoutCallbackURLs")] public IReadOnlyList<string>? LogoutCallbackUrls { get; init; }

    [JsonPropertyName("isPublic")] public bool IsPublic { get; init; }

    [JsonPropertyName("pkceEnabled")] public bool PkceEnabled { get; init; }

    [JsonPropertyName("requiresPushedAuthorizationRequests")] public bool RequiresPushedAuthorizationRequests { get; init; }

    [JsonPropertyName("skipConsent")] public bool SkipConsent { get; init; }

    [JsonPropertyName("credentials")] public PocketIdCredentials? Credentials { get; init; }

    [JsonPropertyName("isGroupRestricted")] public bool IsGroupRestricted { get; init; }

    [JsonPropertyName("accessTokenDurationMinutes")] public long? AccessTokenDurationMinutes { get; init; }

    [JsonPropertyName("refreshTokenDurationMinutes")] public long? RefreshTokenDurationMinutes { get; init; }

    [JsonPropertyName("allowedUserGroups")] public IReadOnlyList<PocketIdUserGroup>? AllowedUserGroups { get; init; }

    public IReadOnlyList<string> CallbackUrlList => CallbackUrls ?? [];

    public IReadOnlyList<PocketIdUserGroup> AllowedUserGroupList => AllowedUserGroups ?? [];
}

/// <summary>`credentials` (§5.2): federated identities are kept opaque so a full PUT returns them unchanged.</summary>
public sealed record PocketIdCredentials
{
    [JsonPropertyName("federatedIdentities")] public IReadOnlyList<JsonElement>? FederatedIdentities { get; init; }

    /// <summary>v2.14+: secret metadata, never values. Ignored by the server on input (§5.3).</summary>
    [JsonPropertyName("secrets")] public IReadOnlyList<PocketIdClientSecretInfo>? Secrets { get; init; }
}

public sealed record PocketIdClientSecretInfo
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("prefix")] public string? Prefix { get; init; }

    [JsonPropertyName("isActive")] public bool IsActive { get; init; }
}

/// <summary>
/// OidcClientCreateDto / OidcClientUpdateDto (§5.3). PUT is a full replacement, so updates are always built from a
/// fresh GET (<see cref="FromExisting"/>); logoUrl/darkLogoUrl are never sent (the server would download them).
/// </summary>
public sealed record PocketIdOidcClientWrite
{
    /// <summary>Create only: a caller-chosen id (v1.8+), so a lost answer can be found again by id (§17.4).</summary>
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }

    [JsonPropertyName("callbackURLs")] public IReadOnlyList<string> CallbackUrls { get; init; } = [];

    [JsonPropertyName("logoutCallbackURLs")] public IReadOnlyList<string> LogoutCallbackUrls { get; init; } = [];

    [JsonPropertyName("isPublic")] public bool IsPublic { get; init; }

    [JsonPropertyName("pkceEnabled")] public bool PkceEnabled { get; init; }

    [JsonPropertyName("requiresReauthentication")] public bool RequiresReauthentication { get; init; }

    [JsonPropertyName("requiresPushedAuthorizationRequests")] public bool RequiresPushedAuthorizationRequests { get; init; }

    [JsonPropertyName("skipConsent")] public bool SkipConsent { get; init; }

    [JsonPropertyName("credentials")] public PocketIdCredentialsWrite Credentials { get; init; } = new();

    [JsonPropertyName("launchURL")] public string? LaunchUrl { get; init; }

    [JsonPropertyName("isGroupRestricted")] public bool IsGroupRestricted { get; init; }

    [JsonPropertyName("accessTokenDurationMinutes")] public long? AccessTokenDurationMinutes { get; init; }

    [JsonPropertyName("refreshTokenDurationMinutes")] public long? RefreshTokenDurationMinutes { get; init; }

    /// <summary>Everything the server returned, unchanged, ready to be modified with `with { … }` and PUT back.</summary>
    public static PocketIdOidcClientWrite FromExisting(PocketIdOidcClient client) => new()
    {
        Name = client.Name,
        Description = string.IsNullOrEmpty(client.Description) ? null : client.Description,
        CallbackUrls = client.CallbackUrlList,
        LogoutCallbackUrls = client.LogoutCallbackUrls ?? [],
        IsPublic = client.IsPublic,
        PkceEnabled = client.PkceEnabled,
        RequiresReauthentication = client.RequiresReauthentication,
        RequiresPushedAuthorizationRequests = client.RequiresPushedAuthorizationRequests,
        SkipConsent = client.SkipConsent,
        Credentials = new PocketIdCredentialsWrite { FederatedIdentities = client.Credentials?.FederatedIdentities ?? [] },
        LaunchUrl = string.IsNullOrEmpty(client.LaunchUrl) ? null : client.LaunchUrl,
        IsGroupRestricted = client.IsGroupRestricted,
        AccessTokenDurationMinutes = client.AccessTokenDurationMinutes is > 0 ? client.AccessTokenDurationMinutes : null,
        RefreshTokenDurationMinutes = client.RefreshTokenDurationMinutes is > 0 ? client.RefreshTokenDurationMinutes : null,
    };
}

public sealed record PocketIdCredentialsWrite
{
    [JsonPropertyName("federatedIdentities")] public IReadOnlyList<JsonElement> FederatedIdentities { get; init; } = [];
}

/// <summary>v2.14+ POST …/secrets answer (201), and the ≤ v2.13 POST …/secret answer (200 {"secret"}) (§6).</summary>
public sealed record PocketIdClientSecretCreated
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("prefix")] public string? Prefix { get; init; }

    [JsonPropertyName("secret")] public string? Secret { get; init; }
}

/// <summary>GET …/preview/{userId} (§5.1): the claims PBS would receive.</summary>
public sealed record PocketIdClaimsPreview
{
    [JsonPropertyName("idToken")] public IReadOnlyDictionary<string, JsonElement>? IdToken { get; init; }

    [JsonPropertyName("accessToken")] public IReadOnlyDictionary<string, JsonElement>? AccessToken { get; init; }

    [JsonPropertyName("userInfo")] public IReadOnlyDictionary<string, JsonElement>? UserInfo { get; init; }
}

/// <summary>AuditLogDto (backend/internal/dto/audit_log_dto.go), the parts the sign-in diagnosis reads.</summary>
public sealed record PocketIdAuditLogEntry
{
    /// <summary>An authorization of a client: the first one of a user for that client, and every later one.</summary>
    public static readonly IReadOnlyList<string> AuthorizationEvents = ["NEW_CLIENT_AUTHORIZATION", "CLIENT_AUTHORIZATION"];

    [JsonPropertyName("id")] public string Id { get; init; } = string.Empty;

    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("event")] public string Event { get; init; } = string.Empty;

    [JsonPropertyName("userID")] public string UserId { get; init; } = string.Empty;

    [JsonPropertyName("username")] public string? Username { get; init; }

    [JsonPropertyName("data")] public IReadOnlyDictionary<string, string>? Data { get; init; }

    public bool IsAuthorization => AuthorizationEvents.Contains(Event);
}
