namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>The built-in roles and privileges (pbs-api.md §6.4) and the ACL path grammar (§6.3).</summary>
public static class PbsRoles
{
    /// <summary>All 23 privileges, in the order `/access/roles` lists them.</summary>
    public static readonly IReadOnlyList<string> Privileges =
    [
        "Sys.Audit", "Sys.Modify", "Sys.PowerManagement", "Datastore.Audit", "Datastore.Allocate", "Datastore.Modify",
        "Datastore.Read", "Datastore.Verify", "Datastore.Backup", "Datastore.Prune", "Permissions.Modify", "Remote.Audit",
        "Remote.Modify", "Remote.Read", "Remote.DatastoreBackup", "Remote.DatastoreModify", "Remote.DatastorePrune",
        "Sys.Console", "Tape.Audit", "Tape.Modify", "Tape.Write", "Tape.Read", "Realm.Allocate",
    ];

    public sealed record Role(string RoleId, string Comment, IReadOnlyList<string> Privs);

    /// <summary>The 18 roles (pbs-api.md §6.4). There is no "Administrator": that is only Admin's comment.</summary>
    public static readonly IReadOnlyList<Role> All =
    [
        new("Admin", "Administrator", Privileges),
        new("Audit", "Auditor", ["Sys.Audit", "Datastore.Audit"]),
        new("NoAccess", "Disable Access", []),
        new("DatastoreAdmin", "Datastore Administrator",
            ["Datastore.Audit", "Datastore.Modify", "Datastore.Read", "Datastore.Verify", "Datastore.Backup", "Datastore.Prune"]),
        new("DatastoreReader", "Datastore Reader (inspect datastore content and do restores)",
            ["Datastore.Audit", "Datastore.Read", "Datastore.Verify"]),
        new("DatastoreBackup", "Datastore Backup (backup and restore owned backups)", ["Datastore.Backup"]),
        new("DatastorePowerUser", "Datastore PowerUser (backup, restore and prune owned backup)", ["Datastore.Backup", "Datastore.Prune"]),
        new("DatastoreAudit", "Datastore Auditor", ["Datastore.Audit"]),
        new("RemoteAudit", "Remote Auditor", ["Remote.Audit"]),
        new("RemoteAdmin", "Remote Administrator", ["Remote.Audit", "Remote.Modify", "Remote.Read"]),
        new("RemoteSyncOperator", "Synchronization Operator", ["Remote.Audit", "Remote.Read"]),
        new("RemoteSyncPushOperator", "Synchronisation Operator (push direction)", ["Remote.Audit", "Remote.DatastoreBackup"]),
        new("RemoteDatastorePowerUser", "Remote Datastore Prune", ["Remote.Audit", "Remote.DatastoreBackup", "Remote.DatastorePrune"]),
        new("RemoteDatastoreAdmin", "Remote Datastore Admin",
            ["Remote.Audit", "Remote.DatastoreBackup", "Remote.DatastoreModify", "Remote.DatastorePrune"]),
        new("TapeAudit", "Tape Auditor", ["Tape.Audit"]),
        new("TapeAdmin", "Tape Administrator", ["Tape.Audit", "Tape.Modify", "Tape.Read", "Tape.Write"]),
        new("TapeOperator", "Tape Operator", ["Tape.Audit", "Tape.Read", "Tape.Write"]),
        new("TapeReader", "Tape Reader", ["Tape.Audit", "Tape.Read"]),
    ];

    /// <summary>The push-sync roles exist from 3.3 on (pbs-api.md §0, §6.4).</summary>
    /// <summary>The push-sync privileges exist from 3.3 on too, so before that Admin does not list them.</summary>
    public static IEnumerable<Role> ForVersion(Version version) =>
        version >= new Version(3, 3, 0)
            ? All
            : All.Where(r => r.RoleId is not ("RemoteSyncPushOperator" or "RemoteDatastorePowerUser" or "RemoteDatastoreAdmin"))
                .Select(r => r with { Privs = r.Privs.Where(p => !PushSyncPrivileges.Contains(p)).ToList() });

    private static readonly HashSet<string> PushSyncPrivileges =
        ["Remote.DatastoreBackup", "Remote.DatastoreModify", "Remote.DatastorePrune"];

    public static Role? Find(string roleId) => All.FirstOrDefault(r => r.RoleId == roleId);

    /// <summary>Privileges of a role in canonical order (Role.Privs may list them in the table's order).</summary>
    public static IEnumerable<string> Ordered(IEnumerable<string> privs)
    {
        var set = privs.ToHashSet(StringComparer.Ordinal);
        return Privileges.Where(set.Contains);
    }

    /// <summary>The structural check PUT /access/acl applies when adding (pbs-api.md §6.3).</summary>
    public static bool IsValidAclPath(string path)
    {
        var c = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (c.Length == 0)
        {
            return true;
        }

        switch (c[0])
        {
            case "access":
                return c.Length == 1
                    || (c.Length == 2 && c[1] is "acl" or "users" or "domains" or "openid")
                    || (c.Length == 3 && c[1] == "openid");
            case "datastore":
                return c.Length <= 9;
            case "remote":
                return c.Length <= 10;
            case "system":
                if (c.Length == 1)
                {
                    return true;
                }

                return c[1] switch
                {
                    "certificates" or "disks" or "log" or "notifications" or "status" or "tasks" or "time" => c.Length == 2,
                    "services" or "s3-endpoint" or "encryption-keys" => c.Length <= 3,
                    "network" => c.Length == 2 || (c.Length == 3 && c[2] is "dns" or "interfaces")
                        || (c.Length == 4 && c[2] == "interfaces"),
                    _ => false,
                };
            case "tape":
                return c.Length == 1 || (c[1] is "device" or "pool" or "job" && c.Length <= 3);
            default:
                return false;
        }
    }
}
