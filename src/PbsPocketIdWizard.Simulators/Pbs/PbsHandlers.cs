using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>The endpoint handlers, keyed by (schema path template, method).</summary>
internal static class PbsHandlers
{
    private const string ModifiedConfig = "detected modified configuration - file changed by other user? Try again.";

    public static Dictionary<(string, string), Func<PbsRequest, Task<PbsResult>>> Create(PbsOpenIdClient openId) => new()
    {
        [("/ping", "GET")] = _ => Done(new JsonObject { ["pong"] = true }),
        [("/version", "GET")] = Version,
        [("/access/ticket", "POST")] = CreateTicket,
        [("/access/ticket", "DELETE")] = _ => Task.FromResult(new PbsResult(new JsonObject()) { TicketEnvelope = true, SetCookies = { PbsApi.ClearCookie } }),
        [("/access/domains", "GET")] = Domains,
        [("/access/users", "GET")] = ListUsers,
        [("/access/users", "POST")] = CreateUser,
        [("/access/users/{userid}", "GET")] = GetUser,
        [("/access/users/{userid}", "PUT")] = UpdateUser,
        [("/access/users/{userid}", "DELETE")] = DeleteUser,
        [("/access/users/{userid}/token", "GET")] = ListTokens,
        [("/access/users/{userid}/token/{token-name}", "GET")] = GetToken,
        [("/access/users/{userid}/token/{token-name}", "POST")] = CreateToken,
        [("/access/users/{userid}/token/{token-name}", "DELETE")] = DeleteToken,
        [("/access/acl", "GET")] = ListAcl,
        [("/access/acl", "PUT")] = UpdateAcl,
        [("/access/roles", "GET")] = Roles,
        [("/access/permissions", "GET")] = Permissions,
        [("/access/openid/auth-url", "POST")] = openId.AuthUrlAsync,
        [("/access/openid/login", "POST")] = openId.LoginAsync,
        [("/config/access/openid", "GET")] = ListOpenId,
        [("/config/access/openid", "POST")] = CreateOpenId,
        [("/config/access/openid/{realm}", "GET")] = GetOpenId,
        [("/config/access/openid/{realm}", "PUT")] = UpdateOpenId,
        [("/config/access/openid/{realm}", "DELETE")] = DeleteRealm,
        [("/config/access/pam", "GET")] = r => GetBuiltinRealm(r, "pam"),
        [("/config/access/pam", "PUT")] = r => UpdateBuiltinRealm(r, "pam"),
        [("/config/access/pbs", "GET")] = r => GetBuiltinRealm(r, "pbs"),
        [("/config/access/pbs", "PUT")] = r => UpdateBuiltinRealm(r, "pbs"),
        [("/admin/datastore", "GET")] = ListDatastores,
        [("/config/datastore", "GET")] = ListDatastoreConfig,
        [("/admin/datastore/{store}/namespace", "GET")] = ListNamespaces,
        [("/admin/datastore/{store}/namespace", "POST")] = CreateNamespace,
        [("/nodes", "GET")] = r => Done(new JsonArray(new JsonObject { ["node"] = r.State.Options.NodeName })),
        [("/nodes/{node}/status", "GET")] = NodeStatus,
        [("/nodes/{node}/certificates/info", "GET")] = CertificateInfo,
        [("/nodes/{node}/identity", "GET")] = r => Done(new JsonObject
        {
            ["pbs-instance-id"] = Convert.ToHexStringLower(SHA256.HashData(r.State.Certificate.RawData))[..32],
        }),
    };

    private static Task<PbsResult> Done(JsonNode? data) => Task.FromResult(new PbsResult(data));

    private static Task<PbsResult> Version(PbsRequest r)
    {
        var v = r.State.Version;
        return Done(new JsonObject
        {
            ["version"] = $"{v.Major}.{v.Minor}",
            ["release"] = v.Build.ToString(CultureInfo.InvariantCulture),
            ["repoid"] = "bc863d45e7fbadb3690143613ea70600535f23a1",
        });
    }

    // ---- access/ticket (pbs-api.md §2.1, §2.2) ----

    private static Task<PbsResult> CreateTicket(PbsRequest r)
    {
        var state = r.State;
        var username = r.Params.Str("username")!;
        var password = r.Params.Str("password") ?? throw new PbsApiException(400, "no password provided");
        var httpOnly = r.Params.Bool("http-only") == true;
        var failed = new PbsApiException(401, "permission check failed.");

        if (r.Params.Str("tfa-challenge") is { } challenge)
        {
            if (!state.Tickets.VerifyTfaTicket(challenge, username) || username != "root@pam" || state.Options.RootTotpSecret is not { } totpSecret
                || !password.StartsWith("totp:", StringComparison.Ordinal) || !state.Tickets.VerifyTotp(totpSecret, password[5..]))
            {
                throw failed;
            }

            return Task.FromResult(TicketResult(state, username, httpOnly));
        }

        // Ticket refresh: a still-valid ticket for the same user stands in for the password; no second factor.
        if (password.StartsWith("PBS:", StringComparison.Ordinal))
        {
            return state.Tickets.VerifyTicket(password) == username && UserActive(state, username)
                ? Task.FromResult(TicketResult(state, username, httpOnly))
                : throw failed;
        }

        lock (state.Sync)
        {
            var realm = state.FindRealm(RealmOf(username));
            if (state.FindUser(username) is not { } user || !state.IsActive(user) || realm?.Type is not ("pam" or "pbs")
                || !PbsSimulatorState.SecretMatches(user.PasswordHash, password))
            {
                throw failed;
            }
        }

        if (username == "root@pam" && state.Options.RootTotpSecret is not null)
        {
            var partial = state.Tickets.CreateTfaTicket(username, "{\"totp\":true}");
            return Task.FromResult(new PbsResult(new JsonObject
            {
                ["username"] = username,
                ["ticket"] = partial,
                ["CSRFPreventionToken"] = "invalid",
            }) { TicketEnvelope = true });
        }

        return Task.FromResult(TicketResult(state, username, httpOnly));
    }

    private static bool UserActive(PbsSimulatorState state, string userId)
    {
        lock (state.Sync)
        {
            return state.FindUser(userId) is { } user && state.IsActive(user);
        }
    }

    /// <summary>A full ticket answer, or with http-only the cookie + `ticket-info` (pbs-api.md §2.1).</summary>
    internal static PbsResult TicketResult(PbsSimulatorState state, string userId, bool httpOnly)
    {
        var ticket = state.Tickets.CreateTicket(userId);
        var data = new JsonObject { ["username"] = userId, ["CSRFPreventionToken"] = state.Tickets.CreateCsrfToken(userId) };
        var result = new PbsResult(data) { TicketEnvelope = true };
        if (httpOnly)
        {
            data["ticket-info"] = ticket[..ticket.LastIndexOf("::", StringComparison.Ordinal)] + "::ticketinfo";
            result.SetCookies.Add($"__Host-PBSAuthCookie={Uri.EscapeDataString(ticket)}; Secure; SameSite=Lax; HttpOnly; Path=/;");
        }
        else
        {
            data["ticket"] = ticket;
        }

        return result;
    }

    internal static string RealmOf(string userId) => userId[(userId.LastIndexOf('@') + 1)..];

    // ---- realms (pbs-api.md §3, §4) ----

    private static Task<PbsResult> Domains(PbsRequest r)
    {
        lock (r.State.Sync)
        {
            var list = new JsonArray();
            foreach (var realm in r.State.AllRealms())
            {
                var item = new JsonObject { ["realm"] = realm.Name, ["type"] = realm.Type };
                if (realm.Props.TryGetValue("comment", out var comment))
                {
                    item["comment"] = comment;
                }

                if (realm.Props.TryGetValue("default", out var d) && d == "true")
                {
                    item["default"] = true;
                }

                list.Add(item);
            }

            return Task.FromResult(new PbsResult(list).WithDigest(r.State.DomainsDigest()));
        }
    }

    private static readonly string[] BooleanRealmProps = ["autocreate", "default"];

    private static JsonObject RealmJson(PbsSimulatorState.RealmEntry realm)
    {
        var obj = new JsonObject { ["realm"] = realm.Name };
        foreach (var (key, value) in realm.Props)
        {
            obj[key] = BooleanRealmProps.Contains(key) ? value == "true" : value;
        }

        return obj;
    }

    private static Task<PbsResult> ListOpenId(PbsRequest r)
    {
        lock (r.State.Sync)
        {
            var list = new JsonArray(r.State.RealmEntries.Where(e => e.Type == "openid").Select(e => (JsonNode)RealmJson(e)).ToArray());
            return Task.FromResult(new PbsResult(list).WithDigest(r.State.DomainsDigest()));
        }
    }

    private static readonly string[] OpenIdStringProps = ["issuer-url", "client-id", "client-key", "username-claim", "scopes", "prompt", "acr-values", "audiences"];

    private static Task<PbsResult> CreateOpenId(PbsRequest r)
    {
        var state = r.State;
        var name = r.Params.Str("realm")!;
        lock (state.Sync)
        {
            if (state.FindRealm(name) is not null)
            {
                throw PbsApiException.Parameter("realm", $"realm '{name}' already exists.");
            }

            var realm = new PbsSimulatorState.RealmEntry(name, "openid");
            foreach (var key in OpenIdStringProps)
            {
                if (r.Params.Str(key) is { } value)
                {
                    realm.Props[key] = value;
                }
            }

            if (r.Params.Bool("autocreate") is { } autocreate)
            {
                realm.Props["autocreate"] = autocreate ? "true" : "false";
            }

            if (r.Params.Str("comment") is { } comment && comment.Trim().Length > 0)
            {
                realm.Props["comment"] = comment.Trim();
            }

            if (r.Params.Bool("default") is { } isDefault)
            {
                if (isDefault)
                {
                    ClearDefaults(state);
                }

                realm.Props["default"] = isDefault ? "true" : "false";
            }

            state.RealmEntries.Add(realm);
        }

        return Done(null);
    }

    private static void ClearDefaults(PbsSimulatorState state)
    {
        foreach (var other in state.RealmEntries)
        {
            other.Props.Remove("default");
        }
    }

    private static PbsSimulatorState.RealmEntry LookupOpenId(PbsSimulatorState state, string name)
    {
        var realm = state.RealmEntries.FirstOrDefault(e => e.Name == name) ?? throw new PbsApiException(400, $"no such openid '{name}'");
        return realm.Type == "openid" ? realm : throw new PbsApiException(400, $"got unexpected type '{realm.Type}' for openid '{name}'");
    }

    private static Task<PbsResult> GetOpenId(PbsRequest r)
    {
        lock (r.State.Sync)
        {
            var realm = LookupOpenId(r.State, r.Params.Str("realm")!);
            return Task.FromResult(new PbsResult(RealmJson(realm)).WithDigest(r.State.DomainsDigest()));
        }
    }

    private static void CheckDigest(PbsRequest r, string current)
    {
        if (r.Params.Str("digest") is { } digest && digest != current)
        {
            throw new PbsApiException(400, ModifiedConfig);
        }
    }

    private static Task<PbsResult> UpdateOpenId(PbsRequest r)
    {
        var state = r.State;
        lock (state.Sync)
        {
            var realm = LookupOpenId(state, r.Params.Str("realm")!);
            CheckDigest(r, state.DomainsDigest());
            foreach (var key in r.Params.List("delete"))
            {
                realm.Props.Remove(key);
            }

            foreach (var key in OpenIdStringProps)
            {
                if (r.Params.Str(key) is { } value)
                {
                    realm.Props[key] = value;
                }
            }

            if (r.Params.Bool("autocreate") is { } autocreate)
            {
                realm.Props["autocreate"] = autocreate ? "true" : "false";
            }

            ApplyComment(r, realm);
            ApplyDefault(r, state, realm);
        }

        return Done(null);
    }

    /// <summary>Trimmed; empty or whitespace-only removes it (pbs-api.md §3.2).</summary>
    private static void ApplyComment(PbsRequest r, PbsSimulatorState.RealmEntry realm)
    {
        if (r.Params.Str("comment") is { } comment)
        {
            if (comment.Trim().Length == 0)
            {
                realm.Props.Remove("comment");
            }
            else
            {
                realm.Props["comment"] = comment.Trim();
            }
        }
    }

    /// <summary>A PUT without `default=true` clears the flag (pbs-api.md §3.3); only versions that know the flag.</summary>
    private static void ApplyDefault(PbsRequest r, PbsSimulatorState state, PbsSimulatorState.RealmEntry realm)
    {
        if (!state.HasRealmDefaults)
        {
            return;
        }

        if (r.Params.Bool("default") == true)
        {
            ClearDefaults(state);
            realm.Props["default"] = "true";
        }
        else
        {
            realm.Props.Remove("default");
        }
    }

    private static Task<PbsResult> DeleteRealm(PbsRequest r)
    {
        var state = r.State;
        var name = r.Params.Str("realm")!;
        lock (state.Sync)
        {
            CheckDigest(r, state.DomainsDigest());
            if (state.RealmEntries.RemoveAll(e => e.Name == name) == 0)
            {
                throw new PbsApiException(404, $"realm '{name}' does not exist.");
            }
        }

        return Done(null);
    }

    private static Task<PbsResult> GetBuiltinRealm(PbsRequest r, string name)
    {
        lock (r.State.Sync)
        {
            var realm = r.State.FindRealm(name) ?? throw new PbsApiException(400, $"no such {name} '{name}'");
            var obj = RealmJson(realm);
            obj["type"] = realm.Type;
            return Task.FromResult(new PbsResult(obj).WithDigest(r.State.DomainsDigest()));
        }
    }

    private static Task<PbsResult> UpdateBuiltinRealm(PbsRequest r, string name)
    {
        var state = r.State;
        lock (state.Sync)
        {
            var realm = state.FindRealm(name) ?? throw new PbsApiException(400, $"no such {name} '{name}'");
            CheckDigest(r, state.DomainsDigest());
            foreach (var key in r.Params.List("delete"))
            {
                realm.Props.Remove(key);
            }

            ApplyComment(r, realm);
            ApplyDefault(r, state, realm);
        }

        return Done(null);
    }

    // ---- users and tokens (pbs-api.md §5, §2.3) ----

    private static JsonObject UserJson(PbsSimulatorState.UserEntry u)
    {
        var obj = new JsonObject { ["userid"] = u.UserId };
        if (u.Comment is not null) obj["comment"] = u.Comment;
        if (u.Enable is { } enable) obj["enable"] = enable;
        if (u.Expire is { } expire) obj["expire"] = expire;
        if (u.Firstname is not null) obj["firstname"] = u.Firstname;
        if (u.Lastname is not null) obj["lastname"] = u.Lastname;
        if (u.Email is not null) obj["email"] = u.Email;
        return obj;
    }

    private static JsonObject TokenJson(PbsSimulatorState.TokenEntry t)
    {
        var obj = new JsonObject { ["tokenid"] = t.TokenId };
        if (t.Comment is not null) obj["comment"] = t.Comment;
        if (t.Enable is { } enable) obj["enable"] = enable;
        if (t.Expire is { } expire) obj["expire"] = expire;
        return obj;
    }

    private static Task<PbsResult> ListUsers(PbsRequest r)
    {
        var state = r.State;
        var caller = r.Caller!;
        lock (state.Sync)
        {
            var all = PbsAccess.Has(state, caller.AuthId, "/access/users", ["Sys.Audit"], false);
            var list = new JsonArray();
            foreach (var user in state.UserEntries.Where(u => all || u.UserId == caller.UserId))
            {
                var obj = UserJson(user);
                var tokens = state.TokenEntries.Where(t => t.UserId == user.UserId && (all || !caller.IsToken || t.TokenId == caller.AuthId)).ToList();
                if (r.Params.Bool("include_tokens") == true && tokens.Count > 0)
                {
                    obj["tokens"] = new JsonArray(tokens.Select(t => (JsonNode)TokenJson(t)).ToArray());
                }

                list.Add(obj);
            }

            return Task.FromResult(new PbsResult(list).WithDigest(state.UsersDigest()));
        }
    }

    private static Task<PbsResult> CreateUser(PbsRequest r)
    {
        var state = r.State;
        var userId = r.Params.Str("userid")!;
        string realmType;
        lock (state.Sync)
        {
            var realm = state.FindRealm(RealmOf(userId)) ?? throw new PbsApiException(400, $"unknown realm '{RealmOf(userId)}'");
            if (state.FindUser(userId) is not null)
            {
                throw new PbsApiException(400, $"user '{userId}' already exists.");
            }

            realmType = realm.Type;
            var user = new PbsSimulatorState.UserEntry(userId)
            {
                Comment = r.Params.Str("comment"),
                Enable = r.Params.Bool("enable"),
                Expire = r.Params.Int("expire"),
                Firstname = r.Params.Str("firstname"),
                Lastname = r.Params.Str("lastname"),
                Email = r.Params.Str("email"),
            };
            state.UserEntries.Add(user);

            if (r.Params.Str("password") is { } password)
            {
                // The user is saved before the password step, so it exists even when this fails (pbs-api.md §5.2).
                if (realmType is not ("pam" or "pbs"))
                {
                    throw new PbsApiException(501, "storing passwords is not implemented for OpenID realms");
                }

                user.PasswordHash = PbsSimulatorState.Hash(password);
            }
        }

        return Done(null);
    }

    private static PbsSimulatorState.UserEntry LookupUser(PbsSimulatorState state, string userId) =>
        state.FindUser(userId) ?? throw new PbsApiException(400, $"no such user '{userId}'");

    private static Task<PbsResult> GetUser(PbsRequest r)
    {
        lock (r.State.Sync)
        {
            var user = LookupUser(r.State, r.Params.Str("userid")!);
            return Task.FromResult(new PbsResult(UserJson(user)).WithDigest(r.State.UsersDigest()));
        }
    }

    private static Task<PbsResult> UpdateUser(PbsRequest r)
    {
        var state = r.State;
        lock (state.Sync)
        {
            var user = LookupUser(state, r.Params.Str("userid")!);
            CheckDigest(r, state.UsersDigest());
            foreach (var key in r.Params.List("delete"))
            {
                switch (key)
                {
                    case "comment": user.Comment = null; break;
                    case "firstname": user.Firstname = null; break;
                    case "lastname": user.Lastname = null; break;
                    case "email": user.Email = null; break;
                }
            }

            if (r.Params.Str("comment") is { } comment) user.Comment = comment.Trim().Length == 0 ? null : comment.Trim();
            if (r.Params.Str("firstname") is { } first) user.Firstname = first;
            if (r.Params.Str("lastname") is { } last) user.Lastname = last;
            if (r.Params.Str("email") is { } email) user.Email = email;
            if (r.Params.Bool("enable") is { } enable) user.Enable = enable ? null : false;
            if (r.Params.Int("expire") is { } expire) user.Expire = expire == 0 ? null : expire;
            if (r.Params.Str("password") is { } password)
            {
                if (state.FindRealm(RealmOf(user.UserId))?.Type is not ("pam" or "pbs"))
                {
                    throw new PbsApiException(501, "storing passwords is not implemented for OpenID realms");
                }

                user.PasswordHash = PbsSimulatorState.Hash(password);
            }
        }

        return Done(null);
    }

    private static Task<PbsResult> DeleteUser(PbsRequest r)
    {
        var state = r.State;
        var userId = r.Params.Str("userid")!;
        lock (state.Sync)
        {
            CheckDigest(r, state.UsersDigest());
            if (state.UserEntries.RemoveAll(u => u.UserId == userId) == 0)
            {
                throw new PbsApiException(404, $"user '{userId}' does not exist.");
            }

            // Tokens and their ACLs go too; the user's own ACL entries stay (pbs-api.md §5.2).
            var tokenIds = state.TokenEntries.Where(t => t.UserId == userId).Select(t => t.TokenId).ToHashSet(StringComparer.Ordinal);
            state.TokenEntries.RemoveAll(t => tokenIds.Contains(t.TokenId));
            state.AclEntries.RemoveAll(a => tokenIds.Contains(a.AuthId));
        }

        return Done(null);
    }

    private static Task<PbsResult> ListTokens(PbsRequest r)
    {
        lock (r.State.Sync)
        {
            var user = LookupUser(r.State, r.Params.Str("userid")!);
            var list = new JsonArray(r.State.TokenEntries.Where(t => t.UserId == user.UserId).Select(t => (JsonNode)TokenJson(t)).ToArray());
            return Task.FromResult(new PbsResult(list).WithDigest(r.State.UsersDigest()));
        }
    }

    private static Task<PbsResult> GetToken(PbsRequest r)
    {
        lock (r.State.Sync)
        {
            var tokenId = $"{r.Params.Str("userid")}!{r.Params.Str("token-name")}";
            var token = r.State.FindToken(tokenId) ?? throw new PbsApiException(400, $"no such token '{tokenId}'");
            return Task.FromResult(new PbsResult(TokenJson(token)).WithDigest(r.State.UsersDigest()));
        }
    }

    private static Task<PbsResult> CreateToken(PbsRequest r)
    {
        var state = r.State;
        var userId = r.Params.Str("userid")!;
        var name = r.Params.Str("token-name")!;
        var tokenId = $"{userId}!{name}";
        lock (state.Sync)
        {
            CheckDigest(r, state.UsersDigest());
            LookupUser(state, userId);
            if (tokenId.Length > 64)
            {
                throw PbsApiException.Parameter("token-name", "value may only be 64 characters long");
            }

            if (state.FindToken(tokenId) is not null)
            {
                throw new PbsApiException(400, $"token '{name}' for user '{userId}' already exists.");
            }

            var secret = Guid.NewGuid().ToString();
            state.TokenEntries.Add(new PbsSimulatorState.TokenEntry(tokenId, userId)
            {
                Comment = r.Params.Str("comment"),
                Enable = r.Params.Bool("enable"),
                Expire = r.Params.Int("expire"),
                SecretHash = PbsSimulatorState.Hash(secret),
            });
            return Done(new JsonObject { ["tokenid"] = tokenId, ["value"] = secret });
        }
    }

    private static Task<PbsResult> DeleteToken(PbsRequest r)
    {
        var state = r.State;
        var tokenId = $"{r.Params.Str("userid")}!{r.Params.Str("token-name")}";
        lock (state.Sync)
        {
            CheckDigest(r, state.UsersDigest());
            if (state.TokenEntries.RemoveAll(t => t.TokenId == tokenId) == 0)
            {
                throw new PbsApiException(404, $"no such token '{tokenId}'");
            }

            state.AclEntries.RemoveAll(a => a.AuthId == tokenId);
        }

        return Done(null);
    }

    // ---- ACLs and roles (pbs-api.md §6) ----

    private static Task<PbsResult> ListAcl(PbsRequest r)
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
            return Task.FromResult(new PbsResult(list).WithDigest(state.AclDigest()));
        }
    }

    private static Task<PbsResult> UpdateAcl(PbsRequest r)
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

    private static Task<PbsResult> Roles(PbsRequest r) => Done(new JsonArray(PbsRoles.ForVersion(r.State.Version).Select(role => (JsonNode)new JsonObject
    {
        ["roleid"] = role.RoleId,
        ["privs"] = new JsonArray(PbsRoles.Ordered(role.Privs).Select(p => (JsonNode)p).ToArray()),
        ["comment"] = role.Comment,
    }).ToArray()));

    private static Task<PbsResult> Permissions(PbsRequest r)
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

    // ---- datastores (pbs-api.md §9) ----

    private static bool AnyPrivilegeBelow(PbsSimulatorState state, PbsCaller caller, string storePath) =>
        state.AclEntries.Any(a => (a.AuthId == caller.AuthId) && a.Path.StartsWith(storePath + "/", StringComparison.Ordinal)
            && a.Role != "NoAccess");

    private static Task<PbsResult> ListDatastores(PbsRequest r)
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

    private static Task<PbsResult> ListDatastoreConfig(PbsRequest r)
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
            return Task.FromResult(new PbsResult(list).WithDigest(digest));
        }
    }

    private static PbsSimulatorState.DatastoreEntry LookupStore(PbsSimulatorState state, string name) =>
        state.DatastoreEntries.FirstOrDefault(s => s.Name == name)
        ?? throw new PbsApiException(400, $"datastore '{name}' does not exist");

    private static Task<PbsResult> ListNamespaces(PbsRequest r)
    {
        var state = r.State;
        var parent = r.Params.Str("parent") ?? string.Empty;
        var maxDepth = r.Params.Int("max-depth") ?? 7;
        lock (state.Sync)
        {
            var store = LookupStore(state, r.Params.Str("store")!);
            var aclPath = $"/datastore/{store.Name}" + (parent.Length > 0 ? "/" + parent : string.Empty);
            if (!PbsAccess.Has(state, r.Caller!.AuthId, aclPath, ["Datastore.Audit", "Datastore.Modify", "Datastore.Backup"], true))
            {
                throw new PbsApiException(403, "permission check failed");
            }

            if (parent.Length > 0 && !store.Namespaces.Contains(parent))
            {
                throw new PbsApiException(400, $"namespace '{parent}' does not exist");
            }

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

    private static Task<PbsResult> CreateNamespace(PbsRequest r)
    {
        var state = r.State;
        var parent = r.Params.Str("parent") ?? string.Empty;
        var name = r.Params.Str("name")!;
        lock (state.Sync)
        {
            var store = LookupStore(state, r.Params.Str("store")!);
            var aclPath = $"/datastore/{store.Name}" + (parent.Length > 0 ? "/" + parent : string.Empty);
            if (!PbsAccess.Has(state, r.Caller!.AuthId, aclPath, ["Datastore.Modify"], false))
            {
                throw new PbsApiException(403, "permission check failed");
            }

            if (parent.Length > 0 && !store.Namespaces.Contains(parent))
            {
                throw new PbsApiException(400, $"namespace '{parent}' does not exist");
            }

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

    // ---- node (pbs-api.md §8) ----

    private static Task<PbsResult> NodeStatus(PbsRequest r) => Done(new JsonObject
    {
        ["memory"] = new JsonObject { ["total"] = 8_254_054_400L, ["used"] = 1_873_297_408L, ["free"] = 6_380_756_992L },
        ["swap"] = new JsonObject { ["total"] = 4_294_963_200L, ["used"] = 0, ["free"] = 4_294_963_200L },
        ["root"] = new JsonObject { ["total"] = 62_163_496_960L, ["used"] = 4_115_656_704L, ["avail"] = 54_857_695_232L },
        ["uptime"] = 86_400,
        ["loadavg"] = new JsonArray(0.08, 0.05, 0.01),
        ["kversion"] = "Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)",
        ["current-kernel"] = new JsonObject
        {
            ["sysname"] = "Linux", ["release"] = "6.14.8-2-pve",
            ["version"] = "#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)", ["machine"] = "x86_64",
        },
        ["cpu"] = 0.012,
        ["wait"] = 0.0,
        ["cpuinfo"] = new JsonObject { ["model"] = "QEMU Virtual CPU version 2.5+", ["sockets"] = 1, ["cpus"] = 2 },
        ["info"] = new JsonObject { ["fingerprint"] = r.State.Fingerprint },
        ["boot-info"] = new JsonObject { ["mode"] = "efi", ["secureboot"] = false },
    });

    private static Task<PbsResult> CertificateInfo(PbsRequest r)
    {
        var cert = r.State.Certificate;
        var san = new JsonArray();
        foreach (var ext in cert.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>())
        {
            foreach (var dns in ext.EnumerateDnsNames())
            {
                san.Add(dns);
            }
        }

        using var rsa = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPublicKey(cert);
        return Done(new JsonArray(new JsonObject
        {
            ["filename"] = "proxy.pem",
            ["subject"] = cert.Subject,
            ["san"] = san,
            ["issuer"] = cert.Issuer,
            ["notbefore"] = new DateTimeOffset(cert.NotBefore.ToUniversalTime()).ToUnixTimeSeconds(),
            ["notafter"] = new DateTimeOffset(cert.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            ["pem"] = cert.ExportCertificatePem(),
            ["public-key-type"] = "rsaEncryption",
            ["public-key-bits"] = rsa?.KeySize ?? 0,
            ["fingerprint"] = r.State.Fingerprint,
        }));
    }
}
