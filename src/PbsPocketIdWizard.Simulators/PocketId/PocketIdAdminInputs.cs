using System.Net;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>OidcClientCreateDto / OidcClientUpdateDto (§5.3). Nullable so a JSON null binds like Go's zero value.</summary>
internal sealed record ClientInput
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("callbackURLs")] public List<string?>? CallbackUrls { get; init; }
    [JsonPropertyName("logoutCallbackURLs")] public List<string?>? LogoutCallbackUrls { get; init; }
    [JsonPropertyName("isPublic")] public bool? IsPublic { get; init; }
    [JsonPropertyName("pkceEnabled")] public bool? PkceEnabled { get; init; }
    [JsonPropertyName("requiresReauthentication")] public bool? RequiresReauthentication { get; init; }
    [JsonPropertyName("requiresPushedAuthorizationRequests")] public bool? RequiresPushedAuthorizationRequests { get; init; }
    [JsonPropertyName("skipConsent")] public bool? SkipConsent { get; init; }
    [JsonPropertyName("credentials")] public CredentialsInput? Credentials { get; init; }
    [JsonPropertyName("launchURL")] public string? LaunchUrl { get; init; }
    [JsonPropertyName("hasLogo")] public bool? HasLogo { get; init; }
    [JsonPropertyName("hasDarkLogo")] public bool? HasDarkLogo { get; init; }
    [JsonPropertyName("logoUrl")] public string? LogoUrl { get; init; }
    [JsonPropertyName("darkLogoUrl")] public string? DarkLogoUrl { get; init; }
    [JsonPropertyName("isGroupRestricted")] public bool? IsGroupRestricted { get; init; }
    [JsonPropertyName("accessTokenDurationMinutes")] public long? AccessTokenDurationMinutes { get; init; }
    [JsonPropertyName("refreshTokenDurationMinutes")] public long? RefreshTokenDurationMinutes { get; init; }
}

internal sealed record CredentialsInput
{
    [JsonPropertyName("federatedIdentities")] public List<SimFederatedIdentity?>? FederatedIdentities { get; init; }
}

internal sealed record SecretInput
{
    [JsonPropertyName("secret")] public string? Secret { get; init; }
    [JsonPropertyName("expiresAt")] public DateTimeOffset? ExpiresAt { get; init; }
}

internal sealed record AllowedGroupsInput
{
    [JsonPropertyName("userGroupIds")] public List<string?>? UserGroupIds { get; init; }
}

internal sealed record GroupInput
{
    [JsonPropertyName("friendlyName")] public string? FriendlyName { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
}

/// <summary>UserCreateDto (backend/internal/dto/user_dto.go).</summary>
internal sealed record UserInput
{
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("emailVerified")] public bool? EmailVerified { get; init; }
    [JsonPropertyName("firstName")] public string? FirstName { get; init; }
    [JsonPropertyName("lastName")] public string? LastName { get; init; }
    [JsonPropertyName("displayName")] public string? DisplayName { get; init; }
    [JsonPropertyName("isAdmin")] public bool? IsAdmin { get; init; }
    [JsonPropertyName("disabled")] public bool? Disabled { get; init; }
    [JsonPropertyName("userGroupIds")] public List<string?>? UserGroupIds { get; init; }
}

internal sealed record GroupUsersInput
{
    [JsonPropertyName("userIds")] public List<string?>? UserIds { get; init; }
}

/// <summary>The go-playground validator tags the wizard can trip over (§4.1, §5.3).</summary>
internal static partial class PocketIdValidation
{
    public const long MaxTokenMinutes = 525600;

    /// <summary>Loopback, link-local, private or unspecified: what the logo download's SSRF guard refuses and the audit log calls "Internal Network".</summary>
    public static bool IsPrivateAddress(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal)
        {
            return true;
        }

        var b = ip.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || b[0] == 0);
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex ClientIdPattern();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex SchemePattern();

    /// <summary>Go validator counts runes, not UTF-16 units.</summary>
    public static int RuneLength(string value) => value.EnumerateRunes().Count();

    public static void Required(List<FieldProblem> problems, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            problems.Add(new FieldProblem(field, "required", "is required"));
        }
    }

    public static void Length(List<FieldProblem> problems, string field, string? value, int min, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var length = RuneLength(value);
        if (length < min)
        {
            problems.Add(new FieldProblem(field, "too_short", $"must be at least {min} characters long"));
        }
        else if (length > max)
        {
            problems.Add(new FieldProblem(field, "too_long", $"must be at most {max} characters long"));
        }
    }

    public static void ClientId(List<FieldProblem> problems, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return; // omitempty
        }

        if (!ClientIdPattern().IsMatch(id))
        {
            problems.Add(new FieldProblem("id", "client_id", "is invalid"));
            return;
        }

        Length(problems, "id", id, 2, 128);
    }

    /// <summary>
    /// callback_url_pattern (v2.6+, §5.3): "*" is valid; fragment cut; needs a non-empty scheme that is not javascript/data.
    /// URLPattern compilation is approximated: whitespace and control characters fail.
    /// </summary>
    public static bool IsValidCallbackPattern(string? pattern)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }

        var hash = pattern.IndexOf('#', StringComparison.Ordinal);
        var withoutFragment = hash >= 0 ? pattern[..hash] : pattern;
        if (withoutFragment.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var scheme = SchemePattern().Match(withoutFragment);
        if (!scheme.Success)
        {
            return false;
        }

        var name = scheme.Value.TrimEnd(':').ToLowerInvariant();
        if (name is "javascript" or "data")
        {
            return false;
        }

        var rest = withoutFragment[scheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..].Split('/', '?')[0];
            var hostPort = authority.Contains('@') ? authority[(authority.LastIndexOf('@') + 1)..] : authority;
            var colon = hostPort.StartsWith('[') ? hostPort.IndexOf("]:", StringComparison.Ordinal) + 1 : hostPort.LastIndexOf(':');
            if (colon > 0)
            {
                var port = hostPort[(colon + 1)..];
                if (port != "*" && port.Length > 0 && !port.All(char.IsAsciiDigit))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static void CallbackList(List<FieldProblem> problems, string field, List<string?>? urls)
    {
        if (urls is null)
        {
            return;
        }

        for (var i = 0; i < urls.Count; i++)
        {
            if (!IsValidCallbackPattern(urls[i]))
            {
                problems.Add(new FieldProblem($"{field}[{i}]", "callback_url_pattern", "is invalid"));
            }
        }
    }

    /// <summary>validator `url`: absolute URL with a scheme.</summary>
    public static void Url(List<FieldProblem> problems, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return; // omitempty
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Scheme))
        {
            problems.Add(new FieldProblem(field, "invalid_format", "must be a valid URL"));
        }
    }

    /// <summary>token_duration: omitempty, else 1..525600 minutes (v2.13+).</summary>
    public static void TokenDuration(List<FieldProblem> problems, string field, long? minutes)
    {
        if (minutes is null or 0)
        {
            return;
        }

        if (minutes < 1 || minutes > MaxTokenMinutes)
        {
            problems.Add(new FieldProblem(field, "token_duration", "is invalid"));
        }
    }

    public static void PrintAscii(List<FieldProblem> problems, string field, string value)
    {
        if (value.Any(c => c < 0x20 || c > 0x7e))
        {
            problems.Add(new FieldProblem(field, "printascii", "is invalid"));
        }
    }

    /// <summary>
    /// The `username` tag: a letter or digit first and last, letters, digits, `_ . @ -` between
    /// (backend/internal/dto/validations.go). LDAP-synced users skip this rule.
    /// </summary>
    public static void Username(List<FieldProblem> problems, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !UsernamePattern().IsMatch(value))
        {
            problems.Add(new FieldProblem("username", "invalid_format",
                "must only contain letters, numbers, underscores, dots, hyphens, and '@' symbols and not start or end with a special character"));
        }
    }

    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9_.@-]*[a-zA-Z0-9])?\z")]
    private static partial Regex UsernamePattern();

    public static void ThrowIfAny(List<FieldProblem> problems)
    {
        if (problems.Count > 0)
        {
            throw PocketIdApiError.Validation([.. problems]);
        }
    }
}
