using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// The how-to's last part, fixed for PBS: set the realm scopes (with digest, resending `default`, pbs-api.md §3.3), then
/// add ACL entries for users on PBS paths with PBS role ids (§6). Everything is validated before any call.
/// </summary>
public sealed class PermissionsStep(ApiClientFactory clients, RunJournal journal) : WizardStep
{
    public override WizardStepId Id => WizardStepId.Permissions;

    public override string Title => "Permissions";

    public override StepTarget Target => StepTarget.Pbs;

    public override bool ValidatesInputsAlone => false;

    protected override object InputsOf(WizardState state) => state.Permissions;

    public override string ApplyLabel(StepPlan plan) => "Grant permissions";

    public static string GrantField(int index, string property) => $"{nameof(PermissionsInput.Grants)}[{index}].{property}";

    public override IReadOnlyList<FieldError> Validate(WizardState state)
    {
        var errors = new List<FieldError>();
        var realm = state.Realm.Name;
        for (var i = 0; i < state.Permissions.Grants.Count; i++)
        {
            var grant = state.Permissions.Grants[i];
            if (PbsRules.UserProblem(grant.User, realm) is { } userProblem)
            {
                errors.Add(new(GrantField(i, nameof(PermissionGrantInput.User)), userProblem));
            }

            if (PbsRules.AclPathProblem(grant.Path) is { } problem)
            {
                errors.Add(new(GrantField(i, nameof(PermissionGrantInput.Path)), $"The path '{grant.Path}' {problem}."));
            }

            if (PbsRules.RoleProblem(grant.Role, state.Results.PbsVersion) is { } roleProblem)
            {
                errors.Add(new(GrantField(i, nameof(PermissionGrantInput.Role)), roleProblem));
            }
        }

        if (state.Permissions.Grants.Count == 0 && !state.Permissions.SetScopes)
        {
            errors.Add(FieldError.ForStep("Nothing to do: add a permission (user, path, role) or keep \"set the realm scopes\"."));
        }

        return errors;
    }

    /// <summary>The scopes as a set: PBS splits on ',', ';' and whitespace; unset means "email profile" (§3.2).</summary>
    public static HashSet<string> ScopeSet(string? scopes) =>
        PbsRules.ScopeItems(scopes ?? PbsRules.DefaultRealmScopes).ToHashSet(StringComparer.Ordinal);

    private IEnumerable<(string Path, string AuthId, string Role, bool Propagate)> Grants(WizardState state) =>
        state.Permissions.Grants.Select(g => (g.Path, PbsRules.ToUserId(g.User, state.Realm.Name), g.Role, g.Propagate));

    /// <summary>
    /// One line for the scopes and one per grant. Also planned before the earlier steps ran (a whole-run preview): a
    /// realm or user that does not exist yet means its changes are still to come, not an error.
    /// </summary>
    public override async Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePbs(state.Pbs);
        var changes = new List<PlannedChange>();
        if (state.Permissions.SetScopes)
        {
            var domains = await client.GetDomainsAsync(cancellationToken);
            var realmExists = domains.Any(d => d.Realm == state.Realm.Name && d.Type == "openid");
            // The realm step creates the realm without scopes, i.e. with PBS's default (§3.2).
            var current = realmExists ? (await client.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken)).Value.Scopes : null;
            changes.Add(ScopeSet(current).SetEquals(ScopeSet(state.Realm.Scopes))
                ? new(ChangeKind.NoChange, "PBS realm scopes", state.Realm.Scopes)
                : new(ChangeKind.Update, "PBS realm scopes", $"{current ?? "email profile (default)"} → {state.Realm.Scopes}{(realmExists ? string.Empty : " once the realm is created")} (PBS adds openid itself and ignores groups)"));
        }

        var users = state.Permissions.Grants.Count == 0 ? [] :
            (await client.ListUsersAsync(cancellationToken)).Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        foreach (var (path, authId, role, propagate) in Grants(state))
        {
            // An entry can outlive its user or realm (§3.3, §5): look it up either way.
            var entry = await FindAclAsync(client, path, authId, role, cancellationToken);
            var pending = users.Contains(authId) ? string.Empty : $" (once {authId} exists: first sign-in or pre-created)";
            changes.Add(entry is null
                ? new(ChangeKind.Create, "PBS permission", $"{role} on {path} for {authId}{(propagate ? string.Empty : " (not propagated)")}{pending}")
                : entry.Propagate == propagate
                    ? new(ChangeKind.NoChange, "PBS permission", $"{authId} already has {role} on {path}")
                    : new(ChangeKind.Update, "PBS permission", $"{role} on {path} for {authId}: propagate {(propagate ? "on" : "off")}"));
        }

        return new StepPlan(changes, InputFingerprint(state));
    }

    public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            if (state.Permissions.SetScopes)
            {
                var realm = await client.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken);
                if (!ScopeSet(realm.Value.Scopes).SetEquals(ScopeSet(state.Realm.Scopes)))
                {
                    await journal.PendingAsync(state, Id, ResourceKind.PbsRealmScopes, state.Realm.Name, cancellationToken, RunJournal.Update);
                    await client.UpdateOpenIdRealmAsync(state.Realm.Name, new PbsOpenIdRealmUpdate
                    {
                        Scopes = state.Realm.Scopes,
                        // Any PUT without default=true clears it (§3.3): resend the realm's current flag.
                        Default = state.Results.PbsSupportsDefaultRealm ? realm.Value.Default ?? false : null,
                        Digest = realm.Digest,
                    }, cancellationToken);
                    await journal.DoneAsync(state, Id, ResourceKind.PbsRealmScopes, state.Realm.Name, cancellationToken, RunJournal.Update,
                        $"previous: {realm.Value.Scopes ?? "(default)"}");
                }
            }

            foreach (var (path, authId, role, propagate) in Grants(state))
            {
                var entry = await FindAclAsync(client, path, authId, role, cancellationToken);
                var id = new AclEntryId(path, authId, role).JournalId;
                if (entry is not null && entry.Propagate == propagate)
                {
                    if (RunJournal.IsOurs(state, ResourceKind.PbsAcl, id) && !state.CreatedByRun(ResourceKind.PbsAcl).Contains(id))
                    {
                        await journal.DoneAsync(state, Id, ResourceKind.PbsAcl, id, cancellationToken, detail: "found after an interrupted create");
                    }

                    continue;
                }

                var action = entry is null ? RunJournal.Create : RunJournal.Update;
                await journal.PendingAsync(state, Id, ResourceKind.PbsAcl, id, cancellationToken, action);
                try
                {
                    // Adding the same entry again only updates propagate (§6.2), so a retry never duplicates.
                    await client.UpdateAclAsync(new PbsAclUpdate { Path = path, Role = role, AuthId = authId, Propagate = propagate }, cancellationToken);
                }
                catch (ExternalApiException ex) when (ex.Detail.StartsWith("no such user", StringComparison.OrdinalIgnoreCase))
                {
                    await journal.FailedAsync(state, Id, ResourceKind.PbsAcl, id, ex.Detail, cancellationToken, action);
                    var index = state.Permissions.Grants.FindIndex(g => PbsRules.ToUserId(g.User, state.Realm.Name) == authId);
                    return StepOutcome.Failure(new FieldError(GrantField(Math.Max(index, 0), nameof(PermissionGrantInput.User)),
                        $"PBS has no user {authId} yet, and PBS only grants permissions to existing users: sign in to PBS once with Pocket ID or pre-create the user on the First sign-in step."));
                }

                await journal.DoneAsync(state, Id, ResourceKind.PbsAcl, id, cancellationToken, action);
            }

            return StepOutcome.Success("Scopes and permissions are set.");
        }, string.Empty, "Setting the PBS permissions");

    public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            var errors = new List<FieldError>();
            if (state.Permissions.SetScopes)
            {
                var realm = await client.GetOpenIdRealmAsync(state.Realm.Name, cancellationToken);
                if (!ScopeSet(realm.Value.Scopes).SetEquals(ScopeSet(state.Realm.Scopes)))
                {
                    errors.Add(FieldError.ForStep($"The realm scopes are '{realm.Value.Scopes}', not '{state.Realm.Scopes}': apply this step again."));
                }
            }

            var index = 0;
            foreach (var (path, authId, role, propagate) in Grants(state))
            {
                var entry = await FindAclAsync(client, path, authId, role, cancellationToken);
                if (entry is null || entry.Propagate != propagate)
                {
                    errors.Add(new(GrantField(index, nameof(PermissionGrantInput.Role)), $"{authId} does not have {role} on {path}: apply this step again."));
                }

                index++;
            }

            return errors.Count == 0 ? StepOutcome.Success("Permissions checked.") : StepOutcome.Failure([.. errors]);
        }, string.Empty, "Checking the PBS permissions");

    public override Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            foreach (var id in RunJournal.SentByRun(state, ResourceKind.PbsAcl).Reverse())
            {
                if (AclEntryId.Parse(id) is not { } entry)
                {
                    continue;
                }

                // Removing an entry does not check that the user still exists (§6.2).
                await client.UpdateAclAsync(new PbsAclUpdate { Path = entry.Path, AuthId = entry.AuthId, Role = entry.Role, Delete = true }, cancellationToken);
                await journal.UndoneAsync(state, Id, ResourceKind.PbsAcl, id, cancellationToken);
            }

            return StepOutcome.Success();
        }, string.Empty, "Removing the PBS permissions");

    private static async Task<PbsAclEntry?> FindAclAsync(PbsClient client, string path, string authId, string role, CancellationToken cancellationToken)
    {
        var acl = await client.GetAclAsync(path, exact: true, cancellationToken);
        return acl.Value.FirstOrDefault(e => e.Path == path && e.UgId == authId && e.RoleId == role);
    }
}
