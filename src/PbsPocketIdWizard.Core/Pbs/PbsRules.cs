using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>PBS's own input rules, so the wizard rejects bad input before any call.</summary>
public static partial class PbsRules
{
    /// <summary>The 18 role ids (pbs-api.md §6.4); "Administrator" is only the comment of Admin.</summary>
    public static readonly IReadOnlyList<string> Roles =
    [
        "Admin", "Audit", "NoAccess", "DatastoreAdmin", "DatastoreReader", "DatastoreBackup", "DatastorePowerUser",
        "DatastoreAudit", "RemoteAudit", "RemoteAdmin", "RemoteSyncOperator", "RemoteSyncPushOperator",
        "RemoteDatastorePowerUser", "RemoteDatastoreAdmin", "TapeAudit", "TapeAdmin", "TapeOperator", "TapeReader",
    ];

    public static readonly IReadOnlyList<string> UsernameClaims = ["username", "email", "subject"];

    /// <summary>SAFE_ID, 2..32 characters (pbs-api.md §3.2).</summary>
    public static bool IsValidRealmName(string? name) =>
        name is { Length: >= 2 and <= 32 } && SafeId().IsMatch(name);

    /// <summary>The name part of a user id: no whitespace, ':', '/' or control characters (§5.3).</summary>
    public static bool IsValidUserNamePart(string? name) => !string.IsNullOrEmpty(name) && UserNamePart().IsMatch(name);

    /// <summary>A full user id name@realm, 3..64 characters, split at the last '@' (§5.3).</summary>
    public static bool IsValidUserId(string? userId)
    {
        if (userId is null || userId.Length is < 3 or > 64)
        {
            return false;
        }

        var at = userId.LastIndexOf('@');
        return at > 0 && IsValidUserNamePart(userId[..at]) && IsValidRealmName(userId[(at + 1)..]);
    }

    /// <summary>
    /// "alice" → "alice@realm". A full id is kept when its realm part is this realm, or looks like a realm and not
    /// like a mail domain ("root@pam", "bob@pbs"); "alice@example.com" is an e-mail-style name, so the realm is appended.
    /// </summary>
    public static string ToUserId(string user, string realm)
    {
        var trimmed = user.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0)
        {
            return $"{trimmed}@{realm}";
        }

        var realmPart = trimmed[(at + 1)..];
        var isFullId = realmPart == realm || (IsValidRealmName(realmPart) && !realmPart.Contains('.', StringComparison.Ordinal));
        return isFullId ? trimmed : $"{trimmed}@{realm}";
    }

    public static string RealmOf(string userId) => userId[(userId.LastIndexOf('@') + 1)..];

    /// <summary>
    /// ACL path format and structure (pbs-api.md §6.3). Returns null when valid, else why not.
    /// </summary>
    public static string? AclPathProblem(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 128 || !AclPathFormat().IsMatch(path))
        {
            return "must start with '/', have no trailing '/' or spaces, and use only letters, digits, '.', '_' and '-' in each part";
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        bool Ok = parts[0] switch
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
        return Ok ? null : "is not a PBS permission path: use /, /datastore/<store>[/<namespace>], /remote/…, /system/…, /tape/… or /access/… (PBS has no datacenter, VM or container paths)";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();

    [GeneratedRegex(@"^[^\s:/\p{Cc}]+$", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePart();

    [GeneratedRegex(@"^(?:/|(?:/[A-Za-z0-9_][A-Za-z0-9._\-]*)+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AclPathFormat();
}
