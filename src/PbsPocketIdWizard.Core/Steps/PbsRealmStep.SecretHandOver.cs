using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// The secret hand-over between Pocket ID and PBS: the client secret goes straight into the realm (never shown), and a
/// key PBS already holds for the client is reused instead of creating a new secret.
/// </summary>
public sealed partial class PbsRealmStep
{
    /// <summary>
    /// The key PBS already holds for this client, or null. PBS's realm GET returns `client-key` (pbs-api.md §3.2): when
    /// the realm of the chosen name exists for this client id with a key, the secret is in place, e.g. in a new run after
    /// a completed one (whose secret was wiped). Not when this run itself sent a secret create for the client: on
    /// ≤ v2.13 that replaced the old secret (pocket-id-api.md §6.2), so PBS's key may be stale. On v2.14+ the key must
    /// also match the 4-character prefix of an active secret (§6.1, metadata only, no side effects); a key whose secret
    /// was deleted or expired is thus replaced. Pocket ID offers no side-effect-free way to check the value itself.
    /// </summary>
    internal static async Task<Secret?> KeyHeldByPbsAsync(ApiClientFactory clients, WizardState state, PocketIdOidcClient existing, CancellationToken cancellationToken)
    {
        if (RunJournal.IsOurs(state, ResourceKind.PocketIdClientSecret, existing.Id) || !PbsRules.IsValidRealmName(state.Realm.Name))
        {
            return null;
        }

        var pbs = clients.CreatePbs(state.Pbs);
        var domains = await pbs.GetDomainsAsync(cancellationToken);
        if (!domains.Any(d => d.Realm == state.Realm.Name && d.Type == "openid"))
        {
            return null;
        }

        var realm = (await pbs.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken)).Value;
        if (realm.ClientId != existing.Id || string.IsNullOrEmpty(realm.ClientKey))
        {
            return null;
        }

        return KeyMatchesActiveSecret(existing, realm.ClientKey, state.Results.PocketIdVersion) ? new Secret(realm.ClientKey) : null;
    }

    /// <summary>
    /// v2.14+ lists secret metadata (§6.1): the key must start with an active secret's prefix (an empty prefix, as for
    /// migrated secrets, cannot tell and counts as a match). No secrets at all (serialised as null, §2) means no valid
    /// key. ≤ v2.13 has no metadata (§6.2): the key is taken as it is.
    /// </summary>
    private static bool KeyMatchesActiveSecret(PocketIdOidcClient client, string key, string? version)
    {
        var secrets = client.Credentials?.Secrets;
        if (secrets is null)
        {
            return PocketIdClient.ParseVersion(version) is not { } parsed || parsed < new Version(2, 14, 0);
        }

        return secrets.Any(s => s.IsActive && (string.IsNullOrEmpty(s.Prefix) || key.StartsWith(s.Prefix, StringComparison.Ordinal)));
    }

    /// <summary>
    /// The client's secrets that are not the key PBS holds (v2.14+ lists them, and keeps at most 20 per client). A secret
    /// without a prefix cannot be told apart and is never counted.
    /// </summary>
    internal static IReadOnlyList<PocketIdClientSecretInfo> SupersededSecrets(PocketIdOidcClient client, string key) =>
        client.Credentials?.Secrets?
            .Where(s => !string.IsNullOrEmpty(s.Id) && !string.IsNullOrEmpty(s.Prefix) && !key.StartsWith(s.Prefix, StringComparison.Ordinal))
            .ToList() ?? [];

    /// <summary>
    /// The client and its superseded secrets when this run created the secret PBS is handed (it did so because PBS held
    /// no key that is an active secret of the client, so PBS uses none of the older ones); null otherwise.
    /// </summary>
    private async Task<(PocketIdOidcClient Client, IReadOnlyList<PocketIdClientSecretInfo> Secrets)?> SupersededByRunAsync(WizardState state, CancellationToken cancellationToken)
    {
        if (state.Results.ClientId is not { } clientId || state.Results.ClientSecret is not { } secret
            || !RunJournal.IsOurs(state, ResourceKind.PocketIdClientSecret, clientId)
            || await clients.CreatePocketId(state.PocketId).FindOidcClientAsync(clientId, cancellationToken) is not { } client)
        {
            return null;
        }

        var superseded = SupersededSecrets(client, secret.Reveal());
        return superseded.Count == 0 ? null : (client, superseded);
    }

    /// <summary>The plan's line for the superseded secrets deleted once PBS holds the new one; none when there are none.</summary>
    private async Task<IEnumerable<PlannedChange>> SupersededSecretsPlanAsync(WizardState state, CancellationToken cancellationToken) =>
        await SupersededByRunAsync(state, cancellationToken) is { } found
            ? [new(ChangeKind.Update, "Pocket ID client secrets", $"delete {Count(found.Secrets.Count)} of the client {found.Client.Id} that PBS no longer uses, once PBS holds the new one (Pocket ID keeps at most 20)")]
            : [];

    /// <summary>
    /// Deletes the superseded secrets after PBS holds the new key and reached Pocket ID with it, so repeated runs do not
    /// pile secrets up to Pocket ID's limit. Returns what was done for the step's message (null: nothing).
    /// </summary>
    private async Task<string?> DeleteSupersededSecretsAsync(WizardState state, CancellationToken cancellationToken)
    {
        if (await SupersededByRunAsync(state, cancellationToken) is not { } found)
        {
            return null;
        }

        var pocketId = clients.CreatePocketId(state.PocketId);
        foreach (var secret in found.Secrets)
        {
            await pocketId.DeleteClientSecretAsync(found.Client.Id, secret.Id!, cancellationToken);
        }

        return $"Deleted {Count(found.Secrets.Count)} of the client that PBS no longer uses.";
    }

    private static string Count(int secrets) => secrets == 1 ? "1 older secret" : $"{secrets} older secrets";
}
