using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.Pbs.PbsHandlers;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>`/access/domains` and realm configuration under `/config/access` (pbs-api.md §3, §4).</summary>
internal static class PbsRealmHandlers
{
    internal static Task<PbsResult> Domains(PbsRequest r)
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

            return WithDigest(list, r.State.DomainsDigest());
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

    internal static Task<PbsResult> ListOpenId(PbsRequest r) => ReadConfig(r,
        state => new JsonArray(state.RealmEntries.Where(e => e.Type == "openid").Select(e => (JsonNode)RealmJson(e)).ToArray()),
        state => state.DomainsDigest());

    private static readonly string[] OpenIdStringProps = ["issuer-url", "client-id", "client-key", "username-claim", "scopes", "prompt", "acr-values", "audiences"];

    internal static Task<PbsResult> CreateOpenId(PbsRequest r)
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
            ApplyOpenIdProps(r, realm);
            ApplyComment(r, realm);
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

    private static void ApplyOpenIdProps(PbsRequest r, PbsSimulatorState.RealmEntry realm)
    {
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

    internal static Task<PbsResult> GetOpenId(PbsRequest r) =>
        ReadConfig(r, state => RealmJson(LookupOpenId(state, r.Params.Str("realm")!)), state => state.DomainsDigest());

    internal static Task<PbsResult> UpdateOpenId(PbsRequest r)
    {
        var state = r.State;
        lock (state.Sync)
        {
            var realm = LookupOpenId(state, r.Params.Str("realm")!);
            UpdateRealm(r, state, realm, () => ApplyOpenIdProps(r, realm));
        }

        return Done(null);
    }

    /// <summary>
    /// Every realm PUT: digest check, the `delete` list first, then the type's own properties, the comment and the
    /// default flag (pbs-api.md §3.2, §3.3).
    /// </summary>
    private static void UpdateRealm(PbsRequest r, PbsSimulatorState state, PbsSimulatorState.RealmEntry realm, Action? applyOwnProps = null)
    {
        CheckDigest(r, state.DomainsDigest());
        foreach (var key in r.Params.List("delete"))
        {
            realm.Props.Remove(key);
        }

        applyOwnProps?.Invoke();
        ApplyComment(r, realm);
        ApplyDefault(r, state, realm);
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

    internal static Task<PbsResult> DeleteRealm(PbsRequest r)
    {
        var state = r.State;
        var name = r.Params.Str("realm")!;
        lock (state.Sync)
        {
            RemoveOrNotFound(r, state.DomainsDigest(), state.RealmEntries, e => e.Name == name, $"realm '{name}' does not exist.");
        }

        return Done(null);
    }

    internal static Task<PbsResult> GetBuiltinRealm(PbsRequest r, string name) => ReadConfig(r, state =>
    {
        var realm = state.FindRealm(name) ?? throw new PbsApiException(400, $"no such {name} '{name}'");
        var obj = RealmJson(realm);
        obj["type"] = realm.Type;
        return obj;
    }, state => state.DomainsDigest());

    internal static Task<PbsResult> UpdateBuiltinRealm(PbsRequest r, string name)
    {
        var state = r.State;
        lock (state.Sync)
        {
            var realm = state.FindRealm(name) ?? throw new PbsApiException(400, $"no such {name} '{name}'");
            UpdateRealm(r, state, realm);
        }

        return Done(null);
    }
}
