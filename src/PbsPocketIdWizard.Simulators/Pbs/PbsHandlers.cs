using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>
/// The route table: each (schema path template, method) to its handler. The handlers live in one class per API area
/// (tickets, realms, users, ACLs, datastores, node); the helpers several areas share are here.
/// </summary>
internal static class PbsHandlers
{
    public const string ModifiedConfig = "detected modified configuration - file changed by other user? Try again.";

    public static Dictionary<(string, string), Func<PbsRequest, Task<PbsResult>>> Create(PbsOpenIdClient openId) => new()
    {
        [("/ping", "GET")] = _ => Done(new JsonObject { ["pong"] = true }),
        [("/version", "GET")] = PbsNodeHandlers.Version,
        [("/access/ticket", "POST")] = PbsTicketHandlers.CreateTicket,
        [("/access/ticket", "DELETE")] = r => Task.FromResult(new PbsResult(new JsonObject()) { TicketEnvelope = true, SetCookies = { r.State.ClearTicketCookie } }),
        [("/access/domains", "GET")] = PbsRealmHandlers.Domains,
        [("/access/users", "GET")] = PbsUserHandlers.ListUsers,
        [("/access/users", "POST")] = PbsUserHandlers.CreateUser,
        [("/access/users/{userid}", "GET")] = PbsUserHandlers.GetUser,
        [("/access/users/{userid}", "PUT")] = PbsUserHandlers.UpdateUser,
        [("/access/users/{userid}", "DELETE")] = PbsUserHandlers.DeleteUser,
        [("/access/users/{userid}/token", "GET")] = PbsUserHandlers.ListTokens,
        [("/access/users/{userid}/token/{token-name}", "GET")] = PbsUserHandlers.GetToken,
        [("/access/users/{userid}/token/{token-name}", "POST")] = PbsUserHandlers.CreateToken,
        [("/access/users/{userid}/token/{token-name}", "DELETE")] = PbsUserHandlers.DeleteToken,
        [("/access/acl", "GET")] = PbsAclHandlers.ListAcl,
        [("/access/acl", "PUT")] = PbsAclHandlers.UpdateAcl,
        [("/access/roles", "GET")] = PbsAclHandlers.Roles,
        [("/access/permissions", "GET")] = PbsAclHandlers.Permissions,
        [("/access/openid/auth-url", "POST")] = openId.AuthUrlAsync,
        [("/access/openid/login", "POST")] = openId.LoginAsync,
        [("/config/access/openid", "GET")] = PbsRealmHandlers.ListOpenId,
        [("/config/access/openid", "POST")] = PbsRealmHandlers.CreateOpenId,
        [("/config/access/openid/{realm}", "GET")] = PbsRealmHandlers.GetOpenId,
        [("/config/access/openid/{realm}", "PUT")] = PbsRealmHandlers.UpdateOpenId,
        [("/config/access/openid/{realm}", "DELETE")] = PbsRealmHandlers.DeleteRealm,
        [("/config/access/pam", "GET")] = r => PbsRealmHandlers.GetBuiltinRealm(r, "pam"),
        [("/config/access/pam", "PUT")] = r => PbsRealmHandlers.UpdateBuiltinRealm(r, "pam"),
        [("/config/access/pbs", "GET")] = r => PbsRealmHandlers.GetBuiltinRealm(r, "pbs"),
        [("/config/access/pbs", "PUT")] = r => PbsRealmHandlers.UpdateBuiltinRealm(r, "pbs"),
        [("/admin/datastore", "GET")] = PbsDatastoreHandlers.ListDatastores,
        [("/config/datastore", "GET")] = PbsDatastoreHandlers.ListDatastoreConfig,
        [("/admin/datastore/{store}/namespace", "GET")] = PbsDatastoreHandlers.ListNamespaces,
        [("/admin/datastore/{store}/namespace", "POST")] = PbsDatastoreHandlers.CreateNamespace,
        [("/nodes", "GET")] = r => Done(new JsonArray(new JsonObject { ["node"] = r.State.Options.NodeName })),
        [("/nodes/{node}/status", "GET")] = PbsNodeHandlers.NodeStatus,
        [("/nodes/{node}/certificates/info", "GET")] = PbsNodeHandlers.CertificateInfo,
        [("/nodes/{node}/identity", "GET")] = PbsNodeHandlers.Identity,
    };

    public static Task<PbsResult> Done(JsonNode? data) => Task.FromResult(new PbsResult(data));

    /// <summary>`data` plus the config file's digest, as every config read returns it (pbs-api.md §3.4).</summary>
    public static Task<PbsResult> WithDigest(JsonNode data, string digest) => Task.FromResult(new PbsResult(data).WithDigest(digest));

    /// <summary>A config read: <paramref name="read"/> and the file's digest taken under the state lock.</summary>
    public static Task<PbsResult> ReadConfig(PbsRequest r, Func<PbsSimulatorState, JsonNode> read, Func<PbsSimulatorState, string> digest)
    {
        lock (r.State.Sync)
        {
            return WithDigest(read(r.State), digest(r.State));
        }
    }

    /// <summary>A `digest` parameter that no longer matches the config file refuses the change (pbs-api.md §3.4).</summary>
    public static void CheckDigest(PbsRequest r, string current)
    {
        if (r.Params.Str("digest") is { } digest && digest != current)
        {
            throw new PbsApiException(400, ModifiedConfig);
        }
    }

    /// <summary>Deletes the matching config entries under the file's digest check; none found is a 404 with <paramref name="missing"/>.</summary>
    public static void RemoveOrNotFound<T>(PbsRequest r, string digest, List<T> entries, Predicate<T> match, string missing)
    {
        CheckDigest(r, digest);
        if (entries.RemoveAll(match) == 0)
        {
            throw new PbsApiException(404, missing);
        }
    }

    /// <summary>The realm part of a user id: PBS splits at the last `@` (proxmox-auth-api types).</summary>
    public static string RealmOf(string userId) => userId[(userId.LastIndexOf('@') + 1)..];
}
