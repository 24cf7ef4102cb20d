using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>Re-reads both servers and records each check in Results.Verification.</summary>
public sealed class SummaryStep(ApiClientFactory clients) : WizardStep
{
    public override WizardStepId Id => WizardStepId.Summary;

    public override string Title => "Summary";

    public override StepKind Kind => StepKind.Summary;

    public override bool ValidatesInputsAlone => false;

    protected override object InputsOf(WizardState state) => new { };

    public override async Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken)
    {
        var checks = new List<VerificationItem>();
        var pocketId = clients.CreatePocketId(state.PocketId);
        var pbs = clients.CreatePbs(state.Pbs);
        var origin = PbsAddress.TryParse(state.Pbs.Url, out var address, out _) ? address.Origin : state.Pbs.Url;

        async Task Check(string name, Func<Task<(bool Passed, string Detail)>> check)
        {
            try
            {
                var (passed, detail) = await check();
                checks.Add(new VerificationItem(name, passed, detail));
            }
            catch (ExternalApiException ex)
            {
                checks.Add(new VerificationItem(name, false, ex.Message));
            }
            catch (PbsSecondFactorRequiredException ex)
            {
                checks.Add(new VerificationItem(name, false, ex.Message));
            }
            catch (WizardStepException ex)
            {
                checks.Add(new VerificationItem(name, false, ex.Message));
            }
        }

        await Check("Pocket ID OIDC client", async () =>
        {
            if (state.Results.ClientId is null)
            {
                return (false, "no client was created");
            }

            var client = await pocketId.FindOidcClientAsync(state.Results.ClientId, cancellationToken);
            if (client is null)
            {
                return (false, $"client {state.Results.ClientId} not found");
            }

            var hasCallback = client.CallbackUrlList.Contains(origin, StringComparer.Ordinal);
            // The typed names (or friendly names) resolved to groups, compared by id.
            var wanted = state.Client.AllowedGroups.Count == 0 ? [] : await OidcClientStep.ResolveGroupsAsync(pocketId, state.Client.AllowedGroups, cancellationToken);
            var groupsOk = wanted.Count == 0 ||
                (client.IsGroupRestricted && wanted.All(g => client.AllowedUserGroupList.Any(a => a.Id == g.Id)));
            return (hasCallback && groupsOk,
                $"'{client.Name}' ({client.Id}), callbacks {string.Join(", ", client.CallbackUrlList)}" +
                (state.Client.AllowedGroups.Count > 0 ? $", restricted to {string.Join(", ", client.AllowedUserGroupList.Select(g => g.Name))}" : string.Empty));
        });

        await Check("PBS OpenID realm", async () =>
        {
            var realm = (await pbs.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken)).Value;
            var ok = realm.IssuerUrl == state.Results.Issuer && realm.ClientId == state.Results.ClientId &&
                state.Results.ClientSecret is not null && realm.ClientKey == state.Results.ClientSecret.Reveal();
            return (ok, $"'{realm.Realm}': issuer {realm.IssuerUrl}, client {realm.ClientId}, username claim {realm.UsernameClaim ?? "subject"}, " +
                $"autocreate {(realm.Autocreate == true ? "on" : "off")}, scopes {realm.Scopes ?? "email profile"}" +
                (state.Results.PbsSupportsDefaultRealm ? $", default {(realm.Default == true ? "yes" : "no")}" : string.Empty) +
                (realm.Prompt is null ? string.Empty : $", prompt {realm.Prompt}") +
                (realm.AcrValues is null ? string.Empty : $", authentication context classes {realm.AcrValues}") +
                (realm.Audiences is null ? string.Empty : $", extra audiences {realm.Audiences}"));
        });

        await Check("PBS reaches Pocket ID", async () =>
        {
            var url = await pbs.GetOpenIdAuthUrlAsync(state.Realm.Name, origin, cancellationToken);
            return (true, $"PBS resolved the issuer; sign-in goes to {(Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Path) : url)}");
        });

        var users = state.FirstSignIn.SelectedUsers
            .Concat(state.FirstSignIn.PreCreateUsers.Select(u => PbsRules.ToUserId(u, state.Realm.Name))).Distinct().ToList();
        if (users.Count > 0)
        {
            await Check("PBS users", async () =>
            {
                var existing = (await pbs.ListUsersAsync(cancellationToken)).Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
                var missing = users.Where(u => !existing.Contains(u)).ToList();
                return (missing.Count == 0, missing.Count == 0 ? string.Join(", ", users) : $"missing: {string.Join(", ", missing)}");
            });
        }

        foreach (var grant in state.Permissions.Grants)
        {
            var authId = PbsRules.ToUserId(grant.User, state.Realm.Name);
            await Check($"Permission {grant.Role} on {grant.Path}", async () =>
            {
                var acl = await pbs.GetAclAsync(grant.Path, exact: true, cancellationToken);
                var found = acl.Value.Any(e => e.UgId == authId && e.RoleId == grant.Role && e.Path == grant.Path);
                return (found, found ? $"{authId} has {grant.Role} on {grant.Path}" : $"{authId} lacks {grant.Role} on {grant.Path}");
            });
        }

        state.Results.Verification = checks;
        var failed = checks.Where(c => !c.Passed).ToList();
        return failed.Count == 0
            ? StepOutcome.Success($"All {checks.Count} checks passed.")
            : StepOutcome.Failure([.. failed.Select(f => FieldError.ForStep($"{f.Check}: {f.Detail}"))]);
    }
}
