using System.Net;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Creates or updates the PBS OpenID realm (pbs-api.md §3) with Pocket ID's issuer exactly as discovered, the client id
/// and secret, autocreate, the username claim (create-only) and `default` (3.3.7+, always resent on update), then asks
/// PBS itself for an auth-url (§7.1), which proves PBS reaches and trusts Pocket ID.
/// </summary>
public sealed partial class PbsRealmStep(ApiClientFactory clients, RunJournal journal) : WizardStep
{
    private const string RealmResource = "PBS OpenID realm";

    public override WizardStepId Id => WizardStepId.PbsRealm;

    public override string Title => "PBS realm";

    public override StepTarget Target => StepTarget.Pbs;

    public override bool ValidatesInputsAlone => false;

    protected override object InputsOf(WizardState state) =>
        new
        {
            state.Realm.Name, state.Realm.Default, state.Realm.Autocreate, state.Realm.UsernameClaim, state.Realm.Comment,
            state.Realm.Prompt, state.Realm.AcrValues, state.Realm.Audiences, state.Results.ClientId,
        };

    public override string ApplyLabel(StepPlan plan) => plan.Creates ? "Create realm" : "Update realm";

    public override IReadOnlyList<FieldError> Validate(WizardState state)
    {
        var input = state.Realm;
        var errors = new List<FieldError>();
        if (PbsRules.RealmNameProblem(input.Name) is { } nameProblem)
        {
            errors.Add(new(nameof(RealmInput.Name), nameProblem));
        }

        if (!PbsRules.UsernameClaims.Contains(input.UsernameClaim))
        {
            errors.Add(new(nameof(RealmInput.UsernameClaim), "Choose the username claim: username (Pocket ID's user name), email or subject (the user's UUID)."));
        }

        if (input.Comment is { } comment && (comment.Length > 128 || comment.Any(char.IsControl)))
        {
            errors.Add(new(nameof(RealmInput.Comment), "The comment must be one line of at most 128 characters."));
        }

        errors.AddRange(PbsRealmOptions.FieldProblems(input));
        if (state.Results.Issuer is null || state.Results.ClientId is null || state.Results.ClientSecret is null)
        {
            errors.Add(FieldError.ForStep("The Pocket ID issuer and OIDC client are not known yet: complete the Pocket ID and OIDC client steps first."));
        }

        return errors;
    }

    public override async Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePbs(state.Pbs);
        var name = state.Realm.Name;
        if (await RealmFindings.NameTakenAsync(client, name, cancellationToken) is { } conflict)
        {
            throw WizardStepException.Conflict(conflict);
        }

        var existing = await FindAsync(client, name, cancellationToken);
        var setsDefault = state.Realm.Default && state.Results.PbsSupportsDefaultRealm;
        if (existing is null)
        {
            return new StepPlan(
            [
                new(ChangeKind.Create, RealmResource, $"'{name}': issuer {state.Results.Issuer}, client {state.Results.ClientId ?? "(the one created above)"}, username claim {state.Realm.UsernameClaim}" +
                    $"{(state.Realm.Autocreate ? ", autocreate users" : string.Empty)}{(setsDefault ? ", default realm" : string.Empty)}" +
                    PbsRealmOptions.Summary(state.Realm, state.Results.PbsVersion)),
                .. await PlanNotesAsync(state, cancellationToken),
            ], InputFingerprint(state));
        }

        if (RealmFindings.UsernameClaimConflict(state, existing.Value) is { } claimError)
        {
            throw WizardStepException.Conflict(claimError);
        }

        var differences = RealmFindings.Differences(state, existing.Value);
        return new StepPlan(
        [
            differences.Count == 0
                ? new(ChangeKind.NoChange, RealmResource, $"'{name}' already uses issuer {state.Results.Issuer} and client {state.Results.ClientId}")
                : new(ChangeKind.Update, RealmResource, $"'{name}': change {string.Join(", ", differences)}"),
            .. await PlanNotesAsync(state, cancellationToken),
        ], InputFingerprint(state));
    }

    public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(() => ApplyCoreAsync(state, cancellationToken), string.Empty, "Setting up the PBS realm");

    private async Task<StepOutcome> ApplyCoreAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePbs(state.Pbs);
        var name = state.Realm.Name;
        if (await RealmFindings.NameTakenAsync(client, name, cancellationToken) is { } conflict)
        {
            return StepOutcome.Failure(conflict) with { IsConflict = true };
        }

        var existing = await FindAsync(client, name, cancellationToken);
        if (existing is null)
        {
            var defaultSwitch = await DefaultSwitchAsync(client, state, cancellationToken);
            await journal.PendingAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken);
            if (defaultSwitch is not null)
            {
                await journal.PendingAsync(state, Id, ResourceKind.PbsDefaultRealm, defaultSwitch, cancellationToken, RunJournal.Update);
            }

            try
            {
                await client.CreateOpenIdRealmAsync(Desired(state), cancellationToken);
            }
            catch (ExternalApiException ex) when (StepFailures.IsAlreadyExists(ex) && RunJournal.IsOurs(state, ResourceKind.PbsRealm, name))
            {
                // An earlier attempt of this run got through; the comparison below brings it in line.
            }

            await journal.DoneAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken);
            await DefaultSwitchDoneAsync(state, defaultSwitch, cancellationToken);
            existing = await FindAsync(client, name, cancellationToken)
                ?? throw new ExternalApiException(ExternalService.Pbs, HttpStatusCode.OK, $"the realm {name} was created but cannot be read back");
        }
        else if (RunJournal.IsOurs(state, ResourceKind.PbsRealm, name) && !state.CreatedByRun(ResourceKind.PbsRealm).Contains(name))
        {
            await journal.DoneAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken, detail: "found after an interrupted create");
        }

        if (RealmFindings.UsernameClaimConflict(state, existing.Value) is { } claimError)
        {
            return StepOutcome.Failure(claimError) with { IsConflict = true };
        }

        var adopting = !RunJournal.IsOurs(state, ResourceKind.PbsRealm, name) && state.Results.AdoptedRealm?.Name != name;
        if (adopting)
        {
            // Made outside the wizard: its values before any repair (here, or of the scopes later), so undo puts them back.
            var before = existing.Value;
            state.Results.AdoptedRealm = new AdoptedRealm(name, before.IssuerUrl, before.Autocreate ?? false, before.Scopes)
            {
                Prompt = before.Prompt,
                AcrValues = before.AcrValues,
                Audiences = before.Audiences,
            };
        }

        var differences = RealmFindings.Differences(state, existing.Value);
        if (differences.Count > 0)
        {
            if (adopting)
            {
                await journal.DoneAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken, RunJournal.Adopt, "it existed before this run; undo puts back what the run changes and keeps it");
            }

            var defaultSwitch = await DefaultSwitchAsync(client, state, cancellationToken);
            await journal.PendingAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken, RunJournal.Update);
            if (defaultSwitch is not null)
            {
                await journal.PendingAsync(state, Id, ResourceKind.PbsDefaultRealm, defaultSwitch, cancellationToken, RunJournal.Update);
            }

            await client.UpdateOpenIdRealmAsync(name, DesiredUpdate(state, existing), cancellationToken);
            await journal.DoneAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken, RunJournal.Update, string.Join(", ", differences));
            await DefaultSwitchDoneAsync(state, defaultSwitch, cancellationToken);
        }

        if (await CheckAuthUrlAsync(client, state, cancellationToken) is { } failed)
        {
            return failed;
        }

        var deleted = await DeleteSupersededSecretsAsync(state, cancellationToken);
        return StepOutcome.Success(
            $"PBS realm '{name}' {(differences.Count == 0 ? "is in place" : "is set up")}, and PBS reached Pocket ID at {state.Results.Issuer}.{(deleted is null ? string.Empty : " " + deleted)}");
    }

    public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            var existing = await FindAsync(client, state.Realm.Name, cancellationToken);
            if (existing is null)
            {
                return StepOutcome.Failure($"PBS has no OpenID realm '{state.Realm.Name}': apply this step again.");
            }

            var differences = RealmFindings.Differences(state, existing.Value);
            if (differences.Count > 0)
            {
                return StepOutcome.Failure($"The PBS realm '{state.Realm.Name}' differs in {string.Join(", ", differences)}: apply this step again.");
            }

            return await CheckAuthUrlAsync(client, state, cancellationToken)
                ?? StepOutcome.Success($"PBS realm '{state.Realm.Name}' checked; PBS reaches Pocket ID.");
        }, string.Empty, "Checking the PBS realm");

    public override Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            foreach (var name in RunJournal.SentByRun(state, ResourceKind.PbsRealm).Reverse())
            {
                try
                {
                    await client.DeleteOpenIdRealmAsync(name, cancellationToken);
                }
                catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    // Already gone (§3.3: DELETE of a missing realm is 404).
                }

                await journal.UndoneAsync(state, Id, ResourceKind.PbsRealm, name, cancellationToken);
            }

            await RestoreAdoptedAsync(client, state, cancellationToken);

            // After the deletes: deleting the realm that took the flag leaves PBS with no default realm at all.
            var notes = new List<string>();
            foreach (var id in RunJournal.UpdatesSentByRun(state, ResourceKind.PbsDefaultRealm).Reverse())
            {
                var detail = await RestoreDefaultAsync(client, id, cancellationToken);
                await journal.UndoneAsync(state, Id, ResourceKind.PbsDefaultRealm, id, cancellationToken, RunJournal.Update, detail.Text);
                if (detail.NeedsAdmin)
                {
                    notes.Add(detail.Text);
                }
            }

            return notes.Count == 0 ? StepOutcome.Success() : StepOutcome.Success(string.Join(" ", notes));
        }, string.Empty, "Removing the PBS realm");

    /// <summary>Puts back the issuer, autocreate and scopes of an adopted realm the run changed; never deletes it.</summary>
    private async Task RestoreAdoptedAsync(PbsClient client, WizardState state, CancellationToken cancellationToken)
    {
        if (state.Results.AdoptedRealm is not { } adopted
            || !RunJournal.UpdatesSentByRun(state, ResourceKind.PbsRealm).Concat(RunJournal.UpdatesSentByRun(state, ResourceKind.PbsRealmScopes)).Contains(adopted.Name)
            || await FindAsync(client, adopted.Name, cancellationToken) is not { } current)
        {
            return;
        }

        await client.UpdateOpenIdRealmAsync(adopted.Name, RestoringUpdate(state, adopted, current), cancellationToken);
        await journal.UndoneAsync(state, Id, ResourceKind.PbsRealm, adopted.Name, cancellationToken, RunJournal.Update,
            "issuer, autocreate, scopes and sign-in options put back; the realm and its users are kept (they existed before this run)");
    }

    /// <summary>
    /// "previous|new" when the coming create/update moves PBS's `default` flag away from the realm that has it (setting
    /// it clears it everywhere else, and an update without it clears it on this realm, §3.3); null when nothing moves.
    /// </summary>
    private static async Task<string?> DefaultSwitchAsync(PbsClient client, WizardState state, CancellationToken cancellationToken)
    {
        if (!state.Results.PbsSupportsDefaultRealm)
        {
            return null;
        }

        var name = state.Realm.Name;
        var holder = (await client.GetDomainsAsync(cancellationToken)).FirstOrDefault(d => d.Default == true)?.Realm;
        var next = state.Realm.Default ? name : holder == name ? null : holder;
        return holder is not null && holder != next ? new DefaultRealmMove(holder, next ?? string.Empty).JournalId : null;
    }

    private async Task DefaultSwitchDoneAsync(WizardState state, string? defaultSwitch, CancellationToken cancellationToken)
    {
        if (defaultSwitch is not null)
        {
            var previous = DefaultRealmMove.Parse(defaultSwitch).Previous;
            await journal.DoneAsync(state, Id, ResourceKind.PbsDefaultRealm, defaultSwitch, cancellationToken, RunJournal.Update,
                $"'{previous}' was the default realm; undo makes it the default again");
        }
    }

    /// <summary>
    /// Makes the realm that was the default before the run the default again, but only while it exists and no realm
    /// other than the one the run made default has the flag now (someone chose another default meanwhile: keep theirs).
    /// </summary>
    private static async Task<(string Text, bool NeedsAdmin)> RestoreDefaultAsync(PbsClient client, string id, CancellationToken cancellationToken)
    {
        var (previous, next) = DefaultRealmMove.Parse(id);
        var domains = await client.GetDomainsAsync(cancellationToken);
        var holder = domains.FirstOrDefault(d => d.Default == true)?.Realm;
        var target = domains.FirstOrDefault(d => d.Realm == previous);
        if (holder == previous)
        {
            return ($"'{previous}' is the default realm", false);
        }

        if (target is null)
        {
            return ($"'{previous}' no longer exists; the default realm was left as is", false);
        }

        if (holder is not null && holder != next)
        {
            return ($"'{holder}' became the default realm meanwhile and stays it", false);
        }

        switch (target.Type)
        {
            case "pam" or "pbs":
                // 3.3.7+ (the only versions that record a default switch) updates the built-in realms through their own endpoints.
                await client.UpdateBuiltinRealmAsync(target.Type, new PbsBuiltinRealmUpdate { Default = true }, cancellationToken);
                break;
            case "openid":
                var realm = await client.GetOpenIdRealmAsync(previous, cancellationToken);
                // Only `default` is sent: an update changes just the properties it names (§3.3).
                await client.UpdateOpenIdRealmAsync(previous, new PbsOpenIdRealmUpdate { Default = true, Digest = realm.Digest }, cancellationToken);
                break;
            default:
                return ($"'{previous}' ({target.Type}) was the default realm before this run: make it the default again in the PBS web UI (Configuration → Access Control → Realms).", true);
        }

        return ($"'{previous}' is the default realm again", false);
    }

    /// <summary>Validate guarantees the secret; a state loaded without it fails clearly instead of sending an empty key.</summary>
    private static string SecretOf(WizardState state) =>
        state.Results.ClientSecret?.Reveal() ?? throw new WizardStepException(FieldError.ForStep(
            "The OIDC client secret of this run is missing: apply the OIDC client step again (a new secret is created and handed to PBS)."));

    private static async Task<PbsWithDigest<PbsOpenIdRealm>?> FindAsync(PbsClient client, string name, CancellationToken cancellationToken)
    {
        var domains = await client.GetDomainsAsync(cancellationToken);
        if (!domains.Any(d => d.Realm == name && d.Type == "openid"))
        {
            return null;
        }

        return await client.GetOpenIdRealmAsync(name, cancellationToken);
    }

    /// <summary>POST auth-url (§7.1): PBS runs discovery against the issuer itself. Null when it worked.</summary>
    private static async Task<StepOutcome?> CheckAuthUrlAsync(PbsClient client, WizardState state, CancellationToken cancellationToken)
    {
        var origin = PbsAddress.Parse(state.Pbs.Url).Origin;
        try
        {
            var url = await client.GetOpenIdAuthUrlAsync(state.Realm.Name, origin, cancellationToken);
            state.Results.RealmAuthUrlCheck = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "ok";
            return null;
        }
        catch (ExternalApiException ex) when (ex.StatusCode is not null)
        {
            state.Results.RealmAuthUrlCheck = null;
            return StepOutcome.Failure(FieldError.ForStep(
                $"PBS could not use Pocket ID as the realm's issuer: PBS answered \"{ex.Detail}\". PBS itself (not this wizard) must reach {state.Results.Issuer}/.well-known/openid-configuration " +
                "and trust its TLS certificate through the PBS host's system trust store: check DNS, firewall and reverse proxy from the PBS host, and that the issuer has no trailing slash. Then apply again."));
        }
    }
}
