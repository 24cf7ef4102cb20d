namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>Who is calling: a user (ticket) or an API token (pbs-api.md §2).</summary>
internal sealed record PbsCaller(string AuthId, bool IsToken)
{
    public string UserId => IsToken ? AuthId[..AuthId.IndexOf('!', StringComparison.Ordinal)] : AuthId;

    public bool IsRoot => !IsToken && AuthId == "root@pam";
}

/// <summary>ACL evaluation (pbs-api.md §6.3 "How permissions are resolved"). Call with the state lock held.</summary>
internal static class PbsAccess
{
    /// <summary>Privilege → propagate flag for an auth id on a path.</summary>
    public static Dictionary<string, bool> Privileges(PbsSimulatorState state, string authId, string path)
    {
        if (authId == "root@pam")
        {
            return PbsRoles.Privileges.ToDictionary(p => p, _ => true, StringComparer.Ordinal);
        }

        var own = RolePrivileges(state, authId, path);
        var bang = authId.IndexOf('!', StringComparison.Ordinal);
        if (bang < 0)
        {
            return own;
        }

        // A token's privileges are its own ACL roles AND its owner's privileges (pbs-api.md §2.3).
        var owner = Privileges(state, authId[..bang], path);
        return own.Where(p => owner.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    public static bool Has(PbsSimulatorState state, string authId, string path, IEnumerable<string> privs, bool partial)
    {
        var have = Privileges(state, authId, path);
        return partial ? privs.Any(have.ContainsKey) : privs.All(have.ContainsKey);
    }

    private static Dictionary<string, bool> RolePrivileges(PbsSimulatorState state, string authId, string path)
    {
        var components = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var nodes = new List<string> { "/" };
        for (var i = 1; i <= components.Length; i++)
        {
            nodes.Add("/" + string.Join('/', components.Take(i)));
        }

        var roles = new List<PbsAclEntry>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var isTarget = i == nodes.Count - 1;
            var here = state.AclEntries.Where(a => a.AuthId == authId && a.Path == nodes[i] && (isTarget || a.Propagate)).ToList();
            if (here.Count == 0)
            {
                continue;
            }

            roles = here.Any(a => a.Role == "NoAccess") ? [] : here;
        }

        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var entry in roles)
        {
            foreach (var priv in PbsRoles.Find(entry.Role)?.Privs ?? [])
            {
                result[priv] = (result.TryGetValue(priv, out var p) && p) || entry.Propagate;
            }
        }

        return result;
    }
}
