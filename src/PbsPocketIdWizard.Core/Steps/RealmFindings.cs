using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// What is wrong with an existing PBS OpenID realm for the chosen inputs: differences the realm step repairs in place,
/// and conflicts it cannot repair (PBS fixes the username claim at creation; realm names are unique across types).
/// </summary>
public static class RealmFindings
{
    /// <summary>What differs between the realm and the inputs, each with why it matters (the username claim is a conflict, not a difference).</summary>
    public static List<string> Differences(WizardState state, PbsOpenIdRealm realm)
    {
        var differences = new List<string>();
        if (realm.IssuerUrl != state.Results.Issuer)
        {
            differences.Add($"issuer ({realm.IssuerUrl} → {state.Results.Issuer}: {IssuerProblem(realm.IssuerUrl, state.Results.Issuer)})");
        }

        if (realm.ClientId != state.Results.ClientId)
        {
            differences.Add($"client id ({realm.ClientId} → {state.Results.ClientId})");
        }

        if (state.Results.ClientSecret is null || realm.ClientKey != state.Results.ClientSecret.Reveal())
        {
            differences.Add("client key");
        }

        if ((realm.Autocreate ?? false) != state.Realm.Autocreate)
        {
            differences.Add(state.Realm.Autocreate
                ? "autocreate (on: without it PBS refuses the sign-in of anyone who has no PBS user yet)"
                : "autocreate (off)");
        }

        if (state.Results.PbsSupportsDefaultRealm && (realm.Default ?? false) != state.Realm.Default)
        {
            differences.Add($"default realm ({(state.Realm.Default ? "on: it is preselected on the PBS sign-in page" : "off")})");
        }

        differences.AddRange(PbsRealmOptions.Differences(state.Realm, realm, state.Results.PbsVersion));

        return differences;
    }

    /// <summary>
    /// The existing realm's username claim differs from the chosen one. PBS offers no way to change it after creation,
    /// so the run cannot succeed as asked. `preferred_username` is what PBS sends for "username": the same choice.
    /// </summary>
    public static FieldError? UsernameClaimConflict(WizardState state, PbsOpenIdRealm realm)
    {
        var current = ClaimChoice(realm.UsernameClaim);
        if (current == state.Realm.UsernameClaim)
        {
            return null;
        }

        return new FieldError(nameof(RealmInput.UsernameClaim),
            $"The PBS realm '{realm.Realm}' already exists with username claim '{current}', and PBS cannot change the username claim of an existing realm. " +
            $"To keep the realm and its users, choose the username claim '{current}'; or choose another realm name to create a new realm. " +
            "Nothing was changed on Pocket ID or PBS.");
    }

    /// <summary>A realm of another type with the same name (names are unique across all types).</summary>
    public static async Task<FieldError?> NameTakenAsync(PbsClient client, string name, CancellationToken cancellationToken)
    {
        var domains = await client.GetDomainsAsync(cancellationToken);
        var other = domains.FirstOrDefault(d => d.Realm == name && d.Type != "openid");
        return other is null ? null : new FieldError(nameof(RealmInput.Name),
            $"PBS already has a {other.Type} realm named '{name}', and realm names are unique across all types: choose another realm name. Nothing was changed on Pocket ID or PBS.");
    }

    /// <summary>The realm's claim as the wizard names it: unset means the subject; preferred_username is "username".</summary>
    public static string ClaimChoice(string? usernameClaim) => usernameClaim switch
    {
        null or "" or "sub" => "subject",
        "preferred_username" => "username",
        _ => usernameClaim,
    };

    private static string IssuerProblem(string current, string? wanted) =>
        wanted is not null && current.TrimEnd('/') == wanted.TrimEnd('/')
            ? "PBS compares the issuer character for character with the one Pocket ID announces, so a trailing slash makes every sign-in fail"
            : "it must be exactly the issuer Pocket ID announces, or every sign-in fails";
}
