using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>The realm step's request bodies: the realm as created, the repair of an existing one, and undo's put-back.</summary>
public sealed partial class PbsRealmStep
{
    private static PbsOpenIdRealm Desired(WizardState state) => new()
    {
        Realm = state.Realm.Name,
        // The issuer exactly as Pocket ID serves it: PBS compares it string-for-string (§7.6).
        IssuerUrl = state.Results.Issuer ?? string.Empty,
        ClientId = state.Results.ClientId ?? string.Empty,
        ClientKey = SecretOf(state),
        Autocreate = state.Realm.Autocreate,
        UsernameClaim = state.Realm.UsernameClaim,
        Comment = string.IsNullOrWhiteSpace(state.Realm.Comment) ? null : state.Realm.Comment.Trim(),
        // Older PBS rejects the key entirely (§3.2).
        Default = state.Results.PbsSupportsDefaultRealm && state.Realm.Default ? true : null,
        Prompt = PbsRealmOptions.Prompt(state.Realm),
        AcrValues = PbsRealmOptions.AcrValues(state.Realm),
        // Null before PBS 4.2.1, which rejects the key.
        Audiences = PbsRealmOptions.Audiences(state.Realm, state.Results.PbsVersion),
    };

    /// <summary>Brings an existing realm in line with the inputs; options no longer wanted go through `delete`.</summary>
    private static PbsOpenIdRealmUpdate DesiredUpdate(WizardState state, PbsWithDigest<PbsOpenIdRealm> existing)
    {
        var cleared = PbsRealmOptions.Cleared(state.Realm, existing.Value, state.Results.PbsVersion).ToList();
        return new PbsOpenIdRealmUpdate
        {
            IssuerUrl = state.Results.Issuer,
            ClientId = state.Results.ClientId,
            ClientKey = SecretOf(state),
            Autocreate = state.Realm.Autocreate,
            // PBS clears `default` on any PUT that does not send it (§3.3): always resend it where it exists.
            Default = state.Results.PbsSupportsDefaultRealm ? state.Realm.Default : null,
            Prompt = PbsRealmOptions.Prompt(state.Realm),
            AcrValues = PbsRealmOptions.AcrValues(state.Realm),
            Audiences = PbsRealmOptions.Audiences(state.Realm, state.Results.PbsVersion),
            Delete = cleared.Count == 0 ? null : cleared,
            Digest = existing.Digest,
        };
    }

    /// <summary>Undo of an adopted realm: the values it had before the run, options it had not removed again.</summary>
    private static PbsOpenIdRealmUpdate RestoringUpdate(WizardState state, AdoptedRealm adopted, PbsWithDigest<PbsOpenIdRealm> current)
    {
        var audiencesKnown = PbsRealmOptions.SupportsAudiences(state.Results.PbsVersion);
        var delete = new List<string>();
        AddIfCleared(delete, "scopes", adopted.Scopes, current.Value.Scopes);
        AddIfCleared(delete, "prompt", adopted.Prompt, current.Value.Prompt);
        AddIfCleared(delete, "acr-values", adopted.AcrValues, current.Value.AcrValues);
        if (audiencesKnown)
        {
            AddIfCleared(delete, "audiences", adopted.Audiences, current.Value.Audiences);
        }

        return new PbsOpenIdRealmUpdate
        {
            IssuerUrl = adopted.IssuerUrl,
            Autocreate = adopted.Autocreate,
            Scopes = adopted.Scopes,
            Prompt = adopted.Prompt,
            AcrValues = adopted.AcrValues,
            Audiences = audiencesKnown ? adopted.Audiences : null,
            Delete = delete.Count == 0 ? null : delete,
            // Any PUT without default=true clears it (pbs-api.md §3.3): resend the realm's current flag.
            Default = state.Results.PbsSupportsDefaultRealm ? current.Value.Default ?? false : null,
            Digest = current.Digest,
        };
    }

    /// <summary>A property unset before the run but set now is removed (PBS keeps what an update does not name).</summary>
    private static void AddIfCleared(List<string> delete, string property, string? before, string? now)
    {
        if (before is null && now is not null)
        {
            delete.Add(property);
        }
    }
}
