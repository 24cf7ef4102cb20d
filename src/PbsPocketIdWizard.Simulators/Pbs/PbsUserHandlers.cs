using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.Pbs.PbsHandlers;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>Users and their API tokens under `/access/users` (pbs-api.md §5, §2.3).</summary>
internal static class PbsUserHandlers
{
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

    internal static Task<PbsResult> ListUsers(PbsRequest r)
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

            return WithDigest(list, state.UsersDigest());
        }
    }

    internal static Task<PbsResult> CreateUser(PbsRequest r)
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

    internal static Task<PbsResult> GetUser(PbsRequest r) =>
        ReadConfig(r, state => UserJson(LookupUser(state, r.Params.Str("userid")!)), state => state.UsersDigest());

    internal static Task<PbsResult> UpdateUser(PbsRequest r)
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

    internal static Task<PbsResult> DeleteUser(PbsRequest r)
    {
        var state = r.State;
        var userId = r.Params.Str("userid")!;
        lock (state.Sync)
        {
            RemoveOrNotFound(r, state.UsersDigest(), state.UserEntries, u => u.UserId == userId, $"user '{userId}' does not exist.");

            // Tokens and their ACLs go too; the user's own ACL entries stay (pbs-api.md §5.2).
            var tokenIds = state.TokenEntries.Where(t => t.UserId == userId).Select(t => t.TokenId).ToHashSet(StringComparer.Ordinal);
            state.TokenEntries.RemoveAll(t => tokenIds.Contains(t.TokenId));
            state.AclEntries.RemoveAll(a => tokenIds.Contains(a.AuthId));
        }

        return Done(null);
    }

    internal static Task<PbsResult> ListTokens(PbsRequest r) => ReadConfig(r, state =>
    {
        var user = LookupUser(state, r.Params.Str("userid")!);
        return new JsonArray(state.TokenEntries.Where(t => t.UserId == user.UserId).Select(t => (JsonNode)TokenJson(t)).ToArray());
    }, state => state.UsersDigest());

    internal static Task<PbsResult> GetToken(PbsRequest r) => ReadConfig(r, state =>
    {
        var tokenId = $"{r.Params.Str("userid")}!{r.Params.Str("token-name")}";
        return TokenJson(state.FindToken(tokenId) ?? throw new PbsApiException(400, $"no such token '{tokenId}'"));
    }, state => state.UsersDigest());

    internal static Task<PbsResult> CreateToken(PbsRequest r)
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

    internal static Task<PbsResult> DeleteToken(PbsRequest r)
    {
        var state = r.State;
        var tokenId = $"{r.Params.Str("userid")}!{r.Params.Str("token-name")}";
        lock (state.Sync)
        {
            RemoveOrNotFound(r, state.UsersDigest(), state.TokenEntries, t => t.TokenId == tokenId, $"no such token '{tokenId}'");

            state.AclEntries.RemoveAll(a => a.AuthId == tokenId);
        }

        return Done(null);
    }
}
