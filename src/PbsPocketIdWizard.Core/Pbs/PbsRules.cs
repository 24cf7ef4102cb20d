using System.Text.Json;
using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>A PBS built-in role: its id (what the API takes and PBS's UI shows), PBS's own comment, and since when it exists.</summary>
public sealed record PbsBuiltInRole(string Id, string Comment, Version Since)
{
    /// <summary>"Admin — Administrator": the id first, because that is what PBS shows and takes.</summary>
    public string Label => $"{Id} — {Comment}";
}

/// <summary>
/// PBS's own input rules, in one place, so the web form, the answers file, the exports and the previews accept and build
/// exactly the same values, and the wizard rejects bad input before any call (pbs-api.md §3.2, §5.3, §6.3, §6.4).
/// </summary>
public static partial class PbsRules
{
    private static readonly Version Always = new(1, 0);

    /// <summary>The 18 role ids with their comments (pbs-api.md §6.4); "Administrator" is only the comment of Admin.</summary>
    public static readonly IReadOnlyList<PbsBuiltInRole> Roles =
    [
        new("Admin", "Administrator", Always),
        new("Audit", "Auditor", Always),
        new("NoAccess", "Disable Access", Always),
        new("DatastoreAdmin", "Datastore Administrator", Always),
        new("DatastoreReader", "Datastore Reader (inspect datastore content and do restores)", Always),
        new("DatastoreBackup", "Datastore Backup (backup and restore owned backups)", Always),
        new("DatastorePowerUser", "Datastore PowerUser (backup, restore and prune owned backup)", Always),
        new("DatastoreAudit", "Datastore Auditor", Always),
        new("RemoteAudit", "Remote Auditor", Always),
        new("RemoteAdmin", "Remote Administrator", Always),
        new("RemoteSyncOperator", "Synchronization Operator", Always),
        // Push sync came with PBS 3.3 (real-source-findings.md #9).
        new("RemoteSyncPushOperator", "Synchronisation Operator (push direction)", new Version(3, 3)),
        new("RemoteDatastorePowerUser", "Remote Datastore Prune", new Version(3, 3)),
        new("RemoteDatastoreAdmin", "Remote Datastore Admin", new Version(3, 3)),
        new("TapeAudit", "Tape Auditor", Always),
        new("TapeAdmin", "Tape Administrator", Always),
        new("TapeOperator", "Tape Operator", Always),
        new("TapeReader", "Tape Reader", Always),
    ];

    /// <summary>The role ids only, in PBS's order.</summary>
    public static IReadOnlyList<string> RoleIds { get; } = Roles.Select(r => r.Id).ToList();

    /// <summary>The roles a PBS of this version has (every role when the version is not known yet).</summary>
    public static IReadOnlyList<PbsBuiltInRole> RolesOn(string? pbsVersion) =>
        ParseVersion(pbsVersion) is { } version ? Roles.Where(r => r.Since <= version).ToList() : Roles;

    /// <summary>
    /// Why a role id cannot be granted on this PBS (null when it can): not a PBS role at all ("Administrator" named
    /// explicitly, as the how-to uses it), or a role newer than the PBS.
    /// </summary>
    public static string? RoleProblem(string? roleId, string? pbsVersion)
    {
        var role = Roles.FirstOrDefault(r => r.Id == roleId);
        if (role is null)
        {
            return string.Equals(roleId?.Trim(), "Administrator", StringComparison.OrdinalIgnoreCase)
                ? "The PBS role id is Admin (\"Administrator\" is only its description)."
                : $"'{roleId}' is not a PBS role. Use one of: {string.Join(", ", RoleIds)}.";
        }

        return ParseVersion(pbsVersion) is { } version && role.Since > version
            ? $"The role {role.Id} exists from PBS {role.Since.Major}.{role.Since.Minor} on; this PBS is {pbsVersion}. Choose another role, or update PBS."
            : null;
    }

    // ------------------------------------------------------------------ realms

    /// <summary>The realms every PBS has; an OpenID realm cannot take their names.</summary>
    public static readonly IReadOnlyList<string> BuiltInRealms = ["pam", "pbs"];

    /// <summary>SAFE_ID, 2..32 characters (pbs-api.md §3.2).</summary>
    public static bool IsValidRealmName(string? name) =>
        name is { Length: >= 2 and <= 32 } && SafeId().IsMatch(name);

    /// <summary>PBS's SAFE_ID format: letters, digits, '_', '.', '-', not starting with '.' or '-'.</summary>
    public static bool IsSafeId(string? value) => value is { Length: > 0 } && SafeId().IsMatch(value);

    /// <summary>Why the name cannot be a new OpenID realm's (null when it can).</summary>
    public static string? RealmNameProblem(string? name) =>
        !IsValidRealmName(name)
            ? "The realm name must be 2 to 32 characters: letters, digits, '_', '.', '-', starting with a letter, digit or '_' (e.g. PocketID)."
            : BuiltInRealms.Contains(name)
                ? $"PBS already has a built-in {name} realm; realm names are unique across all types. Choose another name, e.g. PocketID."
                : null;

    /// <summary>A scope list as PBS reads it: names separated by ',', ';' or whitespace, each a SAFE_ID (§3.2).</summary>
    public static bool IsValidScopeList(string? scopes)
    {
        var items = ScopeItems(scopes);
        return items.Length > 0 && items.All(SafeId().IsMatch);
    }

    // ------------------------------------------------------------------ user ids

    /// <summary>The longest user id (name@realm) PBS accepts in its API calls, ACLs included (real-source-findings.md #2).</summary>
    public const int MaxUserIdLength = 64;

    /// <summary>The name part of a user id: no whitespace, ':', '/' or control characters (§5.3).</summary>
    public static bool IsValidUserNamePart(string? name) => !string.IsNullOrEmpty(name) && UserNamePart().IsMatch(name);

    /// <summary>A full user id name@realm, 3..64 characters, split at the last '@' (§5.3).</summary>
    public static bool IsValidUserId(string? userId)
    {
        if (userId is null || userId.Length is < 3 or > MaxUserIdLength)
        {
            return false;
        }

        var at = userId.LastIndexOf('@');
        return at > 0 && IsValidUserNamePart(userId[..at]) && IsValidRealmName(userId[(at + 1)..]);
    }

    /// <summary>
    /// The user id PBS creates at a first sign-in: the claim's value, '@', the realm, always appended (PBS splits at the
    /// last '@', so a value that itself has an '@', like an e-mail address, keeps it).
    /// </summary>
    public static string SignInUserId(string claimValue, string realm) => $"{claimValue}@{realm}";

    /// <summary>
    /// The user id an admin means by what they typed: "alice" → "alice@realm". A full id is kept when its realm part is
    /// this realm, or looks like a realm and not like a mail domain ("root@pam", "bob@pbs"); "alice@example.com" is an
    /// e-mail-style name, so the realm is appended. Used for every typed user (web form and answers file alike).
    /// </summary>
    public static string ToUserId(string user, string realm)
    {
        var trimmed = user.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0)
        {
            return SignInUserId(trimmed, realm);
        }

        var realmPart = trimmed[(at + 1)..];
        var isFullId = realmPart == realm || (IsValidRealmName(realmPart) && !realmPart.Contains('.', StringComparison.Ordinal));
        return isFullId ? trimmed : SignInUserId(trimmed, realm);
    }

    /// <summary>The realm part of a user id: after the last '@'.</summary>
    public static string RealmOf(string userId) => userId[(userId.LastIndexOf('@') + 1)..];

    /// <summary>The name part of a user id: before the last '@'.</summary>
    public static string NameOf(string userId) => userId.LastIndexOf('@') is var at and > 0 ? userId[..at] : userId;

    /// <summary>Why a typed user cannot be granted a permission (null when it can), judged on the id it stands for.</summary>
    public static string? UserProblem(string? user, string realm)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return "Choose the user to grant the role to.";
        }

        // '@name' is how Proxmox writes a group. Not a role problem, and not a typo: PBS itself has no groups.
        if (user.Trim().StartsWith('@'))
        {
            return $"'{user.Trim()}' is a group, and PBS has no user groups: it refuses permissions for groups and ignores Pocket ID's groups. " +
                "Grant the role to each user instead (e.g. alice); to keep others out, restrict the OIDC client to Pocket ID groups.";
        }

        var id = ToUserId(user, realm);
        if (!IsValidUserNamePart(NameOf(id)))
        {
            return $"'{user}' is not a PBS user id: a name without spaces, ':' or '/', optionally with @realm.";
        }

        return IsValidUserId(id) ? null : $"'{user}' is not a PBS user id: {id} is longer than {MaxUserIdLength} characters.";
    }

    // ------------------------------------------------------------------ the realm's username claim

    /// <summary>The realm's username-claim settings the wizard offers (pbs-api.md §3.2).</summary>
    public static readonly IReadOnlyList<string> UsernameClaims = ["username", "email", "subject"];

    /// <summary>The OIDC claim PBS reads for a username-claim setting (PBS treats preferred_username like username).</summary>
    public static string ClaimFor(string usernameClaim) => usernameClaim switch
    {
        "email" => "email",
        "subject" => "sub",
        _ => "preferred_username",
    };

    // ------------------------------------------------------------------ the user id PBS makes at a sign-in

    /// <summary>The scopes PBS asks for when a realm has none set; PBS always puts `openid` in front of them.</summary>
    public const string DefaultRealmScopes = "email profile";

    /// <summary>The scopes PBS sends to Pocket ID at a sign-in: `openid`, then the realm's scopes (or PBS's default).</summary>
    public static string SignInScopes(string? realmScopes) =>
        string.Join(' ', new[] { "openid" }.Concat(ScopeItems(realmScopes ?? DefaultRealmScopes)).Distinct(StringComparer.Ordinal));

    /// <summary>The scope names of a realm's scope list (separated by ',', ';' or whitespace).</summary>
    public static string[] ScopeItems(string? scopes) => ListItems(scopes);

    /// <summary>The items of a PBS list property (scopes, acr-values, audiences): separated by ',', ';' or whitespace.</summary>
    public static string[] ListItems(string? list) =>
        (list ?? string.Empty).Split([',', ';', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The claims PBS reads the user name from: the userinfo claims with the ID token's claims over them (the ID token
    /// wins), of which only string values count.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SignInClaims(IReadOnlyDictionary<string, JsonElement>? idToken, IReadOnlyDictionary<string, JsonElement>? userInfo)
    {
        var merged = new Dictionary<string, JsonElement>(userInfo ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
        foreach (var (name, value) in idToken ?? new Dictionary<string, JsonElement>())
        {
            merged[name] = value;
        }

        return merged.Where(c => c.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(c => c.Key, c => c.Value.GetString()!, StringComparer.Ordinal);
    }

    /// <summary>
    /// The user name PBS takes from the merged claims for the realm's username-claim setting (unset: `sub`). A claim with
    /// the setting's literal name comes first; for `username` and `subject` PBS then falls back to `preferred_username`
    /// and `sub`. Null when there is no such claim: PBS refuses the sign-in ("missing claim").
    /// </summary>
    public static string? SignInName(IReadOnlyDictionary<string, string> claims, string? usernameClaim)
    {
        var configured = string.IsNullOrEmpty(usernameClaim) ? "sub" : usernameClaim;
        var fallback = configured switch
        {
            "username" => "preferred_username",
            "subject" => "sub",
            _ => null,
        };
        return claims.GetValueOrDefault(configured) ?? (fallback is null ? null : claims.GetValueOrDefault(fallback));
    }

    /// <summary>
    /// What goes wrong for the user id a sign-in makes (null when nothing): a name PBS refuses at the sign-in itself, or
    /// an id longer than PBS's limit, which signs in but is refused by every later call (permissions included).
    /// </summary>
    public static string? SignInUserIdProblem(string name, string realm)
    {
        if (!IsValidUserNamePart(name))
        {
            return $"'{name}' cannot be a PBS user name (it contains a space, ':', '/' or a control character), so PBS refuses the sign-in";
        }

        var id = SignInUserId(name, realm);
        return id.Length > MaxUserIdLength
            ? $"the PBS user id {id} is {id.Length} characters long and PBS allows at most {MaxUserIdLength}: the sign-in works, but PBS refuses every permission for that user"
            : null;
    }

    // ------------------------------------------------------------------ ACL paths

    /// <summary>The longest ACL path PBS accepts.</summary>
    public const int MaxAclPathLength = 128;

    /// <summary>
    /// ACL path format and structure (pbs-api.md §6.3). Returns null when valid, else why not.
    /// </summary>
    public static string? AclPathProblem(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > MaxAclPathLength || !AclPathFormat().IsMatch(path))
        {
            return "must start with '/', have no trailing '/' or spaces, and use only letters, digits, '.', '_' and '-' in each part";
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 || IsKnownAclPath(parts)
            ? null
            : "is not a PBS permission path: use /, /datastore/<store>[/<namespace>], /remote/…, /system/…, /tape/… or /access/… (PBS has no datacenter, VM or container paths)";
    }

    private static bool IsKnownAclPath(string[] parts) => parts[0] switch
    {
        "access" => parts.Length == 1
            || (parts.Length == 2 && parts[1] is "acl" or "users" or "domains" or "openid")
            || (parts.Length == 3 && parts[1] == "openid"),
        "datastore" => parts.Length <= 9,
        "remote" => parts.Length <= 10,
        "system" => parts.Length == 1
            || (parts.Length == 2 && parts[1] is "certificates" or "disks" or "log" or "notifications" or "status" or "tasks" or "time"
                or "services" or "network" or "s3-endpoint" or "encryption-keys")
            || (parts.Length == 3 && parts[1] is "services" or "s3-endpoint" or "encryption-keys")
            || (parts.Length == 3 && parts[1] == "network" && parts[2] is "dns" or "interfaces")
            || (parts.Length == 4 && parts[1] == "network" && parts[2] == "interfaces"),
        "tape" => parts.Length == 1
            || (parts.Length is 2 or 3 && parts[1] is "device" or "pool" or "job"),
        _ => false,
    };

    // ------------------------------------------------------------------ versions

    /// <summary>"4.2.3", "v3.3-1" → a comparable version, or null.</summary>
    public static Version? ParseVersion(string? version) =>
        Version.TryParse(version?.Trim().TrimStart('v').Split('-')[0], out var parsed) ? parsed : null;

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();

    [GeneratedRegex(@"^[^\s:/\p{Cc}]+$", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePart();

    [GeneratedRegex(@"^(?:/|(?:/[A-Za-z0-9_][A-Za-z0-9._\-]*)+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AclPathFormat();
}
