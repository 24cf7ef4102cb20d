using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Tells a sign-in that Pocket ID let through but PBS never finished. Pocket ID's audit log records every
/// authorization of the client; after that, PBS still has to exchange the code at Pocket ID's token endpoint, check
/// the ID token and read userinfo before it creates the user. When an authorization is some seconds old and PBS has
/// no user for it, that second half failed: the admin is told so, with the likely causes, instead of waiting on.
/// </summary>
public sealed class SignInDiagnosis(ApiClientFactory clients, SignInUserIdPreviewer previewer, TimeProvider time)
{
    /// <summary>How long PBS gets after Pocket ID's authorization to show the user (a sign-in takes well under a second).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>Audit log rows are stamped to the second: authorizations this much before the watch began still count.</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(2);

    /// <summary>
    /// One diagnosis per authorization of the run's client since <paramref name="since"/>, at least <see cref="Grace"/>
    /// old, whose PBS user is not among <paramref name="pbsUserIds"/>; rows in <paramref name="handled"/> are skipped and
    /// every row looked at is added to it. Empty when Pocket ID has no audit log (or the client is not known yet).
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(WizardState state, DateTimeOffset since, IReadOnlyCollection<string> pbsUserIds, ISet<string> handled, CancellationToken cancellationToken)
    {
        if (state.Results.ClientId is null || await ClientNameAsync(state, cancellationToken) is not { } clientName)
        {
            return [];
        }

        var rows = await clients.CreatePocketId(state.PocketId).ListClientAuditLogAsync(clientName, cancellationToken) ?? [];
        var due = time.GetUtcNow() - Grace;
        var diagnoses = new List<string>();
        string? scopes = null;
        foreach (var row in rows.Where(r => r.IsAuthorization && r.CreatedAt >= since - ClockSlack && r.CreatedAt <= due && !handled.Contains(r.Id)))
        {
            handled.Add(row.Id);
            scopes ??= await previewer.SignInScopesAsync(state, cancellationToken);
            var username = string.IsNullOrEmpty(row.Username) ? row.UserId : row.Username;
            var preview = await previewer.PreviewAsync(state, new PocketIdUser { Id = row.UserId, Username = username }, scopes, cancellationToken);
            if (preview.PbsUserId is { } expected && pbsUserIds.Contains(expected))
            {
                continue;
            }

            diagnoses.Add(Describe(state, username, preview));
        }

        return diagnoses;
    }

    private async Task<string?> ClientNameAsync(WizardState state, CancellationToken cancellationToken) =>
        (await clients.CreatePocketId(state.PocketId).FindOidcClientAsync(state.Results.ClientId!, cancellationToken))?.Name;

    private static string Describe(WizardState state, string username, SignInUserIdPreview preview)
    {
        var who = $"Pocket ID let {username} through to PBS, but PBS has no user {preview.PbsUserId ?? "for them"}: PBS could not finish the login.";
        if (preview.PbsUserId is null || !preview.IsFine)
        {
            // The claims themselves explain it (no value for the username claim, a name PBS refuses).
            return $"{who} {preview.Problem}";
        }

        return $"{who} Likely causes: PBS cannot reach Pocket ID's token endpoint or does not trust its certificate (check from the PBS host " +
            $"that {state.Results.Issuer}/.well-known/openid-configuration and the token, userinfo and keys addresses it lists open without certificate errors); " +
            "the PBS host's clock is off by more than a minute (check its time sync); or the realm's client key is not the OIDC client's current secret " +
            "(apply the OIDC client and PBS realm steps again). PBS shows its own reason on its login page after the redirect.";
    }
}
