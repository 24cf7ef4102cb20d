using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.Pbs.PbsHandlers;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>`/access/acl`, `/access/roles` and `/access/permissions` (pbs-api.md §6).</summary>
internal static class PbsAclHandlers
{
    internal static Task<PbsResult> ListAcl(PbsRequest r)
    {
        var state = r.State;
        var caller = r.Caller!;
        var path = r.Params.Str("path");
        var exact = r.Params.Bool("exact") == true;
        lock (state.Sync)
        {
            var audit = PbsAccess.Has(state, caller.AuthId, "/access/acl", ["Sys.Audit"], false);
            var entries = state.AclEntries
                .Where(a => audit || (a.AuthId.Contains('!', StringComparison.Ordinal) && a.AuthId.StartsWith(caller.UserId + "!", StringComparison.Ordinal)))
                .Where(a => path is null || a.Path == path || (!exact && (path == "/" || a.Path.StartsWith(path + "/", StringComparison.Ordinal))))
                .OrderBy(a => a.Path, StringComparer.Ordinal).ThenBy(a => a.AuthId, StringComparer.Ordinal);
            var list = new JsonArray(entries.Select(a => (JsonNode)new JsonObject
            {
                ["path"] = a.Path,
                ["ugid"] = a.AuthId,
                ["ugid_type"] = "user",
                ["propagate"] = a.Propagate,
                ["roleid"] = a.Role,
            }).ToArray());
            return WithDigest(list, state.AclDigest());
        }
    }

    internal static Task<PbsResult> UpdateAcl(PbsRequest r)
    {
        var state = r.State;
        var caller = r.Caller!;
        var path = r.Params.Str("path")!;
        var role = r.Params.Str("role")!;
        var authId = r.Params.Str("auth-id");
        var propagate = r.Params.Bool("propagate") ?? true;
        lock (state.Sync)
        {
            var privileged = PbsAccess.Has(state, caller.AuthId, "/access/acl", ["Permissions.Modify"], false);
            if (!privileged)
            {
                if (caller.IsToken)
                {
                    throw new PbsApiException(400, "Unprivileged API tokens can't set ACL items.");
                }

                if (r.Params.Has("group"))
                {
                    throw new PbsApiException(400, "Unprivileged users are not allowed to create group ACL item.");
                }

                if (authId is null)
                {
                    throw new PbsApiException(400, "Unprivileged user needs to provide auth_id to update ACL item.");
                }

                if (!authId.Contains('!', StringComparison.Ordinal))
                {
                    throw new PbsApiException(400, "Unprivileged users can only set ACL items for API tokens.");
                }

                if (!authId.StartsWith(caller.UserId + "!", StringComparison.Ordinal))
                {
                    throw new PbsApiException(400, "Unprivileged users can only set ACL items for their own API tokens.");
                }
            }

            if (r.Params.Has("group"))
            {
                throw new PbsApiException(400, "parameter 'group' - groups are currently not supported.");
            }

            if (authId is null)
            {
                throw new PbsApiException(400, "missing 'userid' or 'group' parameter.");
            }

            CheckDigest(r, state.AclDigest());
            if (r.Params.Bool("delete") == true)
            {
                state.AclEntries.RemoveAll(a => a.Path == path && a.AuthId == authId && a.Role == role);
                return Done(null);
            }

            if (!PbsRoles.IsValidAclPath(path))
            {
                throw new PbsApiException(400, $"invalid acl path '{path}'.");
            }

            if (authId.Contains('!', StringComparison.Ordinal))
            {
                if (state.FindToken(authId) is null)
                {
                    throw new PbsApiException(400, "no such API token.");
                }
            }
            else if (state.FindUser(authId) is null)
            {
                throw new PbsApiException(400, "no such user.");
            }

            state.AddAclLocked(path, authId, role, propagate);
        }

        return Done(null);
    }

    internal static Task<PbsResult> Roles(PbsRequest r) => Done(new JsonArray(PbsRoles.ForVersion(r.State.Version).Select(role => (JsonNode)new JsonObject
    {
        ["roleid"] = role.RoleId,
        ["privs"] = new JsonArray(PbsRoles.Ordered(role.Privs).Select(p => (JsonNode)p).ToArray()),
        ["comment"] = role.Comment,
    }).ToArray()));

    internal static Task<PbsResult> Permissions(PbsRequest r)
    {
        var state = r.State;
        var caller = r.Caller!;
        var authId = r.Params.Str("auth-id") ?? caller.AuthId;
        lock (state.Sync)
        {
            var self = authId == caller.AuthId || (!caller.IsToken && authId.StartsWith(caller.UserId + "!", StringComparison.Ordinal));
            if (!self && !PbsAccess.Has(state, caller.AuthId, "/access", ["Sys.Audit"], false))
            {
                throw new PbsApiException(403, "permission check failed");
            }

            IEnumerable<string> paths = r.Params.Str("path") is { } path
                ? [path]
                : new[] { "/", "/access", "/datastore", "/remote", "/system", "/tape" }
                    .Concat(state.AclEntries.Where(a => a.AuthId == authId || authId.StartsWith(a.AuthId + "!", StringComparison.Ordinal)).Select(a => a.Path))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var result = new JsonObject();
            foreach (var p in paths)
            {
                var privs = PbsAccess.Privileges(state, authId, p);
                var obj = new JsonObject();
                foreach (var priv in PbsRoles.Ordered(privs.Keys))
                {
                    obj[priv] = privs[priv];
                }

                result[p] = obj;
            }

            return Done(result);
        }
    }
}
