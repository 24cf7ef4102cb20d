using System.Net;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// What one Pocket ID user's sign-in through the realm gives: the PBS user id (null when PBS cannot make one), and
/// the problem the admin must know about (null when the user signs in and can be granted permissions).
/// </summary>
public sealed record SignInUserIdPreview(string PocketIdUserId, string Username, string? PbsUserId, string? Problem)
{
    public bool IsFine => Problem is null;
}

/// <summary>
/// Computes the user id PBS creates at a sign-in exactly as PBS does (<see cref="PbsRules.SignInClaims"/>,
/// <see cref="PbsRules.SignInName"/>), from Pocket ID's own claims preview for the OIDC client with the scopes PBS
/// will ask for. Read-only: used by the realm step's live preview.
/// </summary>
public sealed class SignInUserIdPreviewer(ApiClientFactory clients)
{
    /// <summary>Enough for any home or small-office Pocket ID; more users are not all previewed (one request each).</summary>
    public const int MaxCheckedUsers = 200;

    private const int Parallel = 4;

    /// <summary>
    /// The scopes the realm asks for at the first sign-in: those of the existing realm, or PBS's default for a new one
    /// (the wizard sets the realm's scopes only after that sign-in, in the permissions step).
    /// </summary>
    public async Task<string> SignInScopesAsync(WizardState state, CancellationToken cancellationToken)
    {
        var pbs = clients.CreatePbs(state.Pbs);
        var domains = await pbs.GetDomainsAsync(cancellationToken);
        if (!domains.Any(d => d.Realm == state.Realm.Name && d.Type == "openid"))
        {
            return PbsRules.SignInScopes(null);
        }

        var realm = await pbs.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken);
        return PbsRules.SignInScopes(realm.Value.Scopes);
    }

    /// <summary>One user's preview; a user outside the client's allowed groups (Pocket ID answers 403) cannot sign in.</summary>
    public async Task<SignInUserIdPreview> PreviewAsync(WizardState state, PocketIdUser user, string scopes, CancellationToken cancellationToken)
    {
        var clientId = state.Results.ClientId
            ?? throw new InvalidOperationException("The OIDC client does not exist yet.");
        PocketIdClaimsPreview preview;
        try
        {
            preview = await clients.CreatePocketId(state.PocketId).PreviewClaimsAsync(clientId, user.Id, scopes, cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            return new(user.Id, user.Username, null,
                $"{user.Username} cannot sign in: they are not in any of the OIDC client's allowed groups, so Pocket ID refuses them. Add them to an allowed group in Pocket ID, or allow one of their groups.");
        }

        var claims = PbsRules.SignInClaims(preview.IdToken, preview.UserInfo);
        if (PbsRules.SignInName(claims, state.Realm.UsernameClaim) is not { } name)
        {
            return new(user.Id, user.Username, null,
                $"{user.Username} cannot sign in: Pocket ID sends no {ClaimDescription(state.Realm.UsernameClaim)} for them, and PBS needs it for the user name. Fill it in in Pocket ID, or choose another username claim.");
        }

        var userId = PbsRules.SignInUserId(name, state.Realm.Name);
        return PbsRules.SignInUserIdProblem(name, state.Realm.Name) is { } problem
            ? new(user.Id, user.Username, userId, $"{user.Username}: {problem}. Choose a shorter realm name or another username claim, or change the user in Pocket ID.")
            : new(user.Id, user.Username, userId, null);
    }

    /// <summary>The preview of every listed user (at most <see cref="MaxCheckedUsers"/>), in the list's order.</summary>
    public async Task<IReadOnlyList<SignInUserIdPreview>> PreviewAllAsync(WizardState state, IReadOnlyList<PocketIdUser> users, string scopes, CancellationToken cancellationToken)
    {
        var checkedUsers = users.Take(MaxCheckedUsers).ToList();
        var results = new SignInUserIdPreview[checkedUsers.Count];
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, checkedUsers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await PreviewAsync(state, checkedUsers[i], scopes, ct));
        return results;
    }

    private static string ClaimDescription(string usernameClaim) => usernameClaim switch
    {
        "email" => "e-mail address",
        "subject" => "subject (user id)",
        _ => "user name",
    };
}
