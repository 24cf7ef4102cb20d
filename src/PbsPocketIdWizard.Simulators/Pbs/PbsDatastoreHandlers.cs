using System.Security.Cryptography;
using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.Pbs.PbsHandlers;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>Datastores and their namespaces (pbs-api.md §9).</summary>
internal static class PbsDatastoreHandlers
{
    private static bool AnyPrivilegeBelow(PbsSimulatorState state, PbsCaller caller, string storePath) =>
        state.AclEntries.Any(a => (a.AuthId == caller.AuthId) && a.Path.StartsWith(storePath + "/", StringComparison.Ordinal)
            && a.Role != "NoAccess");

    internal static Task<PbsResult> ListDatastores(PbsRequest r)
    {
        var state = r.State;
        var caller = r.Caller!;
        lock (state.Sync)
        {
            var list = new JsonArray();
            foreach (var store in state.DatastoreEntries)
            {
                var path = $"/datastore/{store.Name}";
                var privs = PbsAccess.Privileges(state, caller.AuthId, path);
                var audit = privs.ContainsKey("Datastore.Audit");
                if (!audit && !privs.ContainsKey("Datastore.Backup") && !AnyPrivilegeBelow(state, caller, path))
                {
                    continue;
                }

                list.Add(new JsonObject
                {
                    ["store"] = store.Name,
                    ["comment"] = audit ? store.Comment : null,
                    ["mount-status"] = "nonremovable",
                    ["backend-type"] = "filesystem",
                });
            }

            return Done(list);
        }
    }

    internal static Task<PbsResult> ListDatastoreConfig(PbsRequest r)
    {
        var state = r.State;
        lock (state.Sync)
        {
            var list = new JsonArray();
            foreach (var store in state.DatastoreEntries.Where(s =>
                PbsAccess.Has(state, r.Caller!.AuthId, $"/datastore/{s.Name}", ["Datastore.Audit"], false)))
            {
                var obj = new JsonObject { ["name"] = store.Name, ["path"] = store.Path };
                if (store.Comment is not null) obj["comment"] = store.Comment;
                list.Add(obj);
            }

            var digest = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
                string.Join('\n', state.DatastoreEntries.Select(s => $"datastore: {s.Name}\n\tpath {s.Path}")))));
            return WithDigest(list, digest);
        }
    }

    /// <summary>
    /// The datastore named in the path and the parent namespace, after the privilege check on the parent's ACL path
    /// (403) and the parent's existence check (pbs-api.md §9).
    /// </summary>
    private static PbsSimulatorState.DatastoreEntry StoreWithParent(PbsRequest r, string parent, string[] privs, bool partial)
    {
        var state = r.State;
        var name = r.Params.Str("store")!;
        var store = state.DatastoreEntries.FirstOrDefault(s => s.Name == name)
            ?? throw new PbsApiException(400, $"datastore '{name}' does not exist");
        var aclPath = $"/datastore/{store.Name}" + (parent.Length > 0 ? "/" + parent : string.Empty);
        if (!PbsAccess.Has(state, r.Caller!.AuthId, aclPath, privs, partial))
        {
            throw new PbsApiException(403, "permission check failed");
        }

        return parent.Length > 0 && !store.Namespaces.Contains(parent)
            ? throw new PbsApiException(400, $"namespace '{parent}' does not exist")
            : store;
    }

    internal static Task<PbsResult> ListNamespaces(PbsRequest r)
    {
        var state = r.State;
        var parent = r.Params.Str("parent") ?? string.Empty;
        var maxDepth = r.Params.Int("max-depth") ?? 7;
        lock (state.Sync)
        {
            var store = StoreWithParent(r, parent, ["Datastore.Audit", "Datastore.Modify", "Datastore.Backup"], true);

            var parentDepth = parent.Length == 0 ? 0 : parent.Split('/').Length;
            var list = new JsonArray();
            foreach (var ns in new[] { string.Empty }.Concat(store.Namespaces).Order(StringComparer.Ordinal))
            {
                var depth = ns.Length == 0 ? 0 : ns.Split('/').Length;
                var below = parent.Length == 0 || ns == parent || ns.StartsWith(parent + "/", StringComparison.Ordinal);
                if (below && depth >= parentDepth && depth - parentDepth <= maxDepth)
                {
                    list.Add(new JsonObject { ["ns"] = ns });
                }
            }

            return Done(list);
        }
    }

    internal static Task<PbsResult> CreateNamespace(PbsRequest r)
    {
        var state = r.State;
        var parent = r.Params.Str("parent") ?? string.Empty;
        var name = r.Params.Str("name")!;
        lock (state.Sync)
        {
            var store = StoreWithParent(r, parent, ["Datastore.Modify"], false);

            var ns = parent.Length > 0 ? $"{parent}/{name}" : name;
            if (ns.Split('/').Length > 7)
            {
                throw new PbsApiException(400, "namespace depth exceeds maximum of 7");
            }

            if (store.Namespaces.Contains(ns))
            {
                throw new PbsApiException(400, $"namespace '{ns}' already exists");
            }

            store.Namespaces.Add(ns);
            return Done(ns);
        }
    }
}
