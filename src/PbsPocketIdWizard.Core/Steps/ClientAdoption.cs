using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Finds the Pocket ID client a setup made by hand (the community how-to) already uses, and says what is wrong with it.
/// Adopting it keeps its id and the secret PBS holds, so sign-ins keep working for everyone already using it; the
/// repairs are ordinary updates, and undo puts the old values back instead of deleting the client.
/// </summary>
public static class ClientAdoption
{
    /// <summary>True when the callback URL names the PBS host (any port, any path): the how-to's callback for this PBS.</summary>
    public static bool PointsAtPbs(string callback, PbsAddress pbs) =>
        Uri.TryCreate(callback.Trim(), UriKind.Absolute, out var uri)
        && string.Equals(uri.IdnHost.Trim('[', ']'), pbs.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The client's callbacks repaired: every URL for the PBS host that PBS never sends (no port, a path, another port)
    /// is replaced by the wanted ones; URLs for other hosts are kept as they are.
    /// </summary>
    public static IReadOnlyList<string> RepairedCallbacks(IReadOnlyList<string> current, IReadOnlyList<string> wanted, PbsAddress pbs) =>
        current.Where(url => wanted.Contains(url, StringComparer.Ordinal) || !PointsAtPbs(url, pbs))
            .Concat(wanted).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>What is wrong with the client for PBS, in plain words (empty when nothing is).</summary>
    public static IReadOnlyList<string> Findings(PocketIdOidcClient client, IReadOnlyList<string> wanted, PbsAddress pbs)
    {
        var findings = new List<string>();
        foreach (var wrong in client.CallbackUrlList.Where(u => PointsAtPbs(u, pbs) && !wanted.Contains(u, StringComparer.Ordinal)))
        {
            findings.Add($"callback {wrong} → {wanted[0]} ({WhyWrong(wrong, pbs)}; Pocket ID refuses a sign-in whose return address is not listed exactly)");
        }

        var missing = wanted.Except(client.CallbackUrlList, StringComparer.Ordinal).Where(u => !findings.Any(f => f.Contains("→ " + u, StringComparison.Ordinal))).ToList();
        if (missing.Count > 0)
        {
            findings.Add($"add callback {string.Join(", ", missing)}");
        }

        if (!client.PkceEnabled)
        {
            findings.Add("turn PKCE on (PBS always signs in with PKCE; requiring it protects the sign-in code)");
        }

        return findings;
    }

    /// <summary>
    /// An existing client for this PBS, made outside this run: the admin's choice (client.id) first, else the client of
    /// the existing PBS realm of this name, else the one client of this name with a callback for this PBS host. Several
    /// such clients and no choice: a conflict listing them (the candidates are also left in the results for a picker).
    /// </summary>
    public static async Task<(PocketIdOidcClient Client, string Why)?> FindAsync(ApiClientFactory clients, WizardState state, CancellationToken cancellationToken)
    {
        var pocketId = clients.CreatePocketId(state.PocketId);
        if (!string.IsNullOrWhiteSpace(state.Client.AdoptClientId))
        {
            // The candidates stay listed, so the admin can still change the choice (the web's picker).
            var chosen = state.Client.AdoptClientId.Trim();
            var client = await pocketId.FindOidcClientAsync(chosen, cancellationToken) ?? throw WizardStepException.Conflict(new FieldError(nameof(OidcClientInput.AdoptClientId),
                $"Pocket ID has no OIDC client with the id '{chosen}' (it may have been deleted): choose one of the clients listed, or none to let the wizard find or create the client."));
            return (client, "the client you chose");
        }

        state.Results.ClientCandidates = [];
        if (await RealmClientIdAsync(clients, state, cancellationToken) is { } realmClientId
            && await pocketId.FindOidcClientAsync(realmClientId, cancellationToken) is { } realmClient)
        {
            return (realmClient, $"the client of the existing PBS realm '{state.Realm.Name}'");
        }

        var pbs = PbsAddress.Parse(state.Pbs.Url);
        var name = state.Client.Name.Trim();
        var matches = (await pocketId.ListOidcClientsAsync(name, cancellationToken))
            .Where(c => c.Name == name && c.CallbackUrlList.Any(u => PointsAtPbs(u, pbs)))
            .ToList();
        switch (matches.Count)
        {
            case 0:
                return null;
            case 1:
                // The list DTO may omit allowed groups (it carries a count): read the full client.
                return (await pocketId.GetOidcClientAsync(matches[0].Id, cancellationToken), $"the client named '{name}' with a callback for {pbs.Host}");
            default:
                state.Results.ClientCandidates = matches.Select(c => new ClientCandidate(c.Id, c.Name, c.CallbackUrlList)).ToList();
                throw WizardStepException.Conflict(new FieldError(nameof(OidcClientInput.AdoptClientId),
                    $"Pocket ID has {matches.Count} OIDC clients named '{name}' with a callback for {pbs.Host}: " +
                    string.Join("; ", matches.Select(c => $"{c.Id} ({string.Join(", ", c.CallbackUrlList)})")) +
                    ". Choose the one PBS should use."));
        }
    }

    /// <summary>The client id the existing OpenID realm of the chosen name uses, or null when there is no such realm.</summary>
    private static async Task<string?> RealmClientIdAsync(ApiClientFactory clients, WizardState state, CancellationToken cancellationToken)
    {
        if (!PbsRules.IsValidRealmName(state.Realm.Name))
        {
            return null;
        }

        var pbs = clients.CreatePbs(state.Pbs);
        var domains = await pbs.GetDomainsAsync(cancellationToken);
        if (!domains.Any(d => d.Realm == state.Realm.Name && d.Type == "openid"))
        {
            return null;
        }

        var clientId = (await pbs.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken)).Value.ClientId;
        return string.IsNullOrWhiteSpace(clientId) ? null : clientId;
    }

    private static string WhyWrong(string callback, PbsAddress pbs)
    {
        if (!Uri.TryCreate(callback, UriKind.Absolute, out var uri))
        {
            return "it is not a web address";
        }

        if (uri.AbsolutePath.Trim('/').Length > 0)
        {
            return "PBS returns to its own address without a path";
        }

        return uri.Port != pbs.Port
            ? $"PBS returns to its own address with port {pbs.Port}, as the browser shows it"
            : "PBS returns to its own address exactly";
    }
}
