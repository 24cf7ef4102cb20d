using System.Net;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Creates (or finds) the Pocket ID OIDC client for PBS: callback = the PBS origin with its port (pbs-api.md §7.5,
/// pocket-id-api.md §11.6) plus extra URLs, optional logo (never leaving a half-made client), optional restriction to
/// Pocket ID groups (isGroupRestricted + allowed-user-groups, §8), and a client secret handed straight to PBS.
/// </summary>
public sealed class OidcClientStep(ApiClientFactory clients, RunJournal journal) : WizardStep
{
    private const string ClientResource = "Pocket ID OIDC client";

    public override WizardStepId Id => WizardStepId.OidcClient;

    public override string Title => "OIDC client";

    public override StepTarget Target => StepTarget.PocketId;

    protected override object InputsOf(WizardState state) => new { state.Client, PbsUrl = state.Pbs.Url };

    public override string ApplyLabel(StepPlan plan) => plan.Creates ? "Create client" : "Update client";

    public override IReadOnlyList<FieldError> Validate(WizardState state)
    {
        var input = state.Client;
        var errors = new List<FieldError>();
        if (!PocketIdClientRules.IsValidName(input.Name))
        {
            errors.Add(new(nameof(OidcClientInput.Name), PocketIdClientRules.NameMessage));
        }

        if (!PbsAddress.TryParse(state.Pbs.Url, out _, out _))
        {
            errors.Add(FieldError.ForStep("The PBS address is missing or invalid: complete the Proxmox Backup Server step first (the callback URL is derived from it)."));
        }

        foreach (var url in input.ExtraCallbackUrls.Where(u => !string.IsNullOrWhiteSpace(u)))
        {
            if (!PocketIdClientRules.IsCallbackUrl(url))
            {
                errors.Add(new(nameof(OidcClientInput.ExtraCallbackUrls), $"{(url.Contains('@') ? "An extra callback URL" : $"'{url}'")} is not a web address without credentials; an extra callback URL looks like https://pbs.example.com (a reverse proxy origin)."));
            }
        }

        errors.AddRange(ClientLogos.Validate(input));

        if (input.AllowedGroups.Any(g => string.IsNullOrWhiteSpace(g) || g.Any(char.IsControl)))
        {
            errors.Add(new(nameof(OidcClientInput.AllowedGroups), "Remove the empty group name (or the control character in one)."));
        }

        return errors;
    }

    /// <summary>The PBS origin with its port, then the extra URLs, without duplicates.</summary>
    public static IReadOnlyList<string> CallbackUrlsFor(WizardState state) =>
        PocketIdClientRules.CallbackUrls(state.Pbs.Url, state.Client.ExtraCallbackUrls);

    /// <summary>A caller-chosen client id per run (pocket-id-api.md §17.4), so a lost create answer is found again by id.</summary>
    public static string ClientIdFor(WizardState state) => $"pbs-{state.RunId:N}"[..16];

    public override async Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePocketId(state.PocketId);
        var callbacks = CallbackUrlsFor(state);
        var (existing, adoptedBecause) = await FindAsync(client, state, cancellationToken);
        var changes = new List<PlannedChange>();
        if (existing is null)
        {
            changes.Add(new(ChangeKind.Create, ClientResource, $"'{state.Client.Name}' with callback {string.Join(", ", callbacks)}"));
        }
        else
        {
            var repairs = ClientAdoption.Findings(existing, callbacks, PbsAddress.Parse(state.Pbs.Url)).ToList();
            if (state.Client.AllowedGroups.Count > 0 && !existing.IsGroupRestricted)
            {
                repairs.Add("restrict to groups");
            }

            var adopted = adoptedBecause is null ? string.Empty : $"adopt {adoptedBecause}, made outside this wizard; ";
            changes.Add(repairs.Count > 0
                ? new(ChangeKind.Update, ClientResource, $"'{existing.Name}' ({existing.Id}): {adopted}{string.Join("; ", repairs)}")
                : new(ChangeKind.NoChange, ClientResource, $"'{existing.Name}' ({existing.Id}) already has callback {string.Join(", ", callbacks)}{(adoptedBecause is null ? string.Empty : $" ({adoptedBecause}, kept)")}"));
        }

        if (state.Client.AllowedGroups.Count > 0)
        {
            var groups = await ResolveGroupsAsync(client, state.Client.AllowedGroups, cancellationToken);
            var current = existing?.AllowedUserGroupList.Select(g => g.Id).ToHashSet(StringComparer.Ordinal) ?? [];
            changes.Add(current.SetEquals(groups.Select(g => g.Id))
                ? new(ChangeKind.NoChange, "Pocket ID allowed groups", string.Join(", ", state.Client.AllowedGroups))
                : new(existing is null ? ChangeKind.Create : ChangeKind.Update, "Pocket ID allowed groups", $"only members of {string.Join(", ", state.Client.AllowedGroups)} may sign in"));
        }

        changes.AddRange(ClientLogos.Plan(state, existing));

        var secretKnown = existing is not null && state.Results.ClientId == existing.Id && state.Results.ClientSecret is not null && SecretSentByRun(state, existing.Id);
        var secretInPbs = existing is null || secretKnown ? null : await PbsRealmStep.KeyHeldByPbsAsync(clients, state, existing, cancellationToken);
        changes.Add(secretKnown
            ? new(ChangeKind.NoChange, "Pocket ID client secret", "already created by this run")
            : secretInPbs is not null
                ? new(ChangeKind.NoChange, "Pocket ID client secret", $"already in the PBS realm '{state.Realm.Name}'")
                : new(ChangeKind.Create, "Pocket ID client secret", existing is not null && !RunJournal.IsOurs(state, ResourceKind.PocketIdClient, existing.Id)
                    ? $"the PBS realm '{state.Realm.Name}' holds no key that is an active secret of this client, so Pocket ID would refuse it: a new secret is created and handed to PBS directly (on Pocket ID 2.14+ the older ones PBS no longer uses are deleted once PBS holds it)"
                    : "created and handed to PBS directly (nothing to copy)"));

        // Like the connection checks, what the plan found is recorded (by the session: plans only read), so the steps
        // after it plan against the client and key in place (a whole-run preview of a finished setup is all NoChange).
        return new StepPlan(changes, InputFingerprint(state))
        {
            Findings = existing is null || secretInPbs is null ? null : results =>
            {
                results.ClientId = existing.Id;
                results.ClientSecret = secretInPbs;
                results.CallbackUrls = callbacks.ToList();
            },
        };
    }

    public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(() => ApplyCoreAsync(state, cancellationToken), string.Empty, "Setting up the Pocket ID OIDC client");

    private async Task<StepOutcome> ApplyCoreAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePocketId(state.PocketId);
        var callbacks = CallbackUrlsFor(state);
        var restrict = state.Client.AllowedGroups.Count > 0;

        // Resolve groups first: a typo must not leave a client behind.
        var groups = restrict ? await ResolveGroupsAsync(client, state.Client.AllowedGroups, cancellationToken) : [];

        var (existing, adoptedBecause) = await FindAsync(client, state, cancellationToken);
        var createdNow = false;
        if (existing is null)
        {
            existing = await CreateAsync(client, state, callbacks, restrict, cancellationToken);
            createdNow = true;
        }
        else
        {
            if (RunJournal.IsOurs(state, ResourceKind.PocketIdClient, existing.Id) && !state.CreatedByRun(ResourceKind.PocketIdClient).Contains(existing.Id))
            {
                // Sent by this run earlier, answer lost: it is ours.
                await journal.DoneAsync(state, Id, ResourceKind.PocketIdClient, existing.Id, cancellationToken, detail: "found after an interrupted create");
            }

            var repaired = ClientAdoption.RepairedCallbacks(existing.CallbackUrlList, callbacks, PbsAddress.Parse(state.Pbs.Url));
            if (!repaired.SequenceEqual(existing.CallbackUrlList, StringComparer.Ordinal) || !existing.PkceEnabled || (restrict && !existing.IsGroupRestricted))
            {
                var findings = ClientAdoption.Findings(existing, callbacks, PbsAddress.Parse(state.Pbs.Url));
                if (adoptedBecause is not null && state.Results.AdoptedClient?.Id != existing.Id)
                {
                    // Recorded before the repair, so undo can put back what the run changes and knows never to delete it.
                    state.Results.AdoptedClient = new AdoptedClient(existing.Id, existing.CallbackUrlList, existing.PkceEnabled);
                    await journal.DoneAsync(state, Id, ResourceKind.PocketIdClient, existing.Id, cancellationToken, RunJournal.Adopt, adoptedBecause);
                }

                await journal.PendingAsync(state, Id, ResourceKind.PocketIdClient, existing.Id, cancellationToken, RunJournal.Update);
                existing = await client.UpdateOidcClientAsync(existing.Id, c => c with
                {
                    CallbackUrls = repaired,
                    PkceEnabled = true,
                    IsGroupRestricted = c.IsGroupRestricted || restrict,
                }, cancellationToken);
                await journal.DoneAsync(state, Id, ResourceKind.PocketIdClient, existing.Id, cancellationToken, RunJournal.Update, string.Join("; ", findings));
            }
        }

        state.Results.ClientId = existing.Id;
        state.Results.CallbackUrls = callbacks.ToList();

        foreach (var logo in ClientLogos.Wanted(state).Where(l => !l.IsOn(existing)))
        {
            if (await new OidcClientLogoUpload(journal, Id).UploadAsync(client, state, existing.Id, logo, createdNow, cancellationToken) is { } failed)
            {
                return failed;
            }
        }

        if (restrict)
        {
            var current = existing.AllowedUserGroupList.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
            if (!current.SetEquals(groups.Select(g => g.Id)))
            {
                await journal.PendingAsync(state, Id, ResourceKind.PocketIdAllowedGroups, existing.Id, cancellationToken, RunJournal.Update);
                await client.SetAllowedUserGroupsAsync(existing.Id, groups.Select(g => g.Id).ToList(), cancellationToken);
                await journal.DoneAsync(state, Id, ResourceKind.PocketIdAllowedGroups, existing.Id, cancellationToken, RunJournal.Update, string.Join(", ", groups.Select(g => g.Name)));
            }
        }

        // A secret this run made is kept (encrypted) in the state; else a key PBS already holds for this client is used.
        var madeByRun = state.Results.ClientSecret is not null && SecretSentByRun(state, existing.Id) && state.Journal.Any(e =>
            e.Resource == ResourceKind.PocketIdClientSecret && e.ResourceId == existing.Id && e.Outcome == JournalOutcome.Done);
        var inPbs = madeByRun ? null : await PbsRealmStep.KeyHeldByPbsAsync(clients, state, existing, cancellationToken);
        if (inPbs is not null)
        {
            state.Results.ClientSecret = inPbs;
        }
        else if (!madeByRun)
        {
            // The value is shown once (pocket-id-api.md §6); it goes straight into the state (encrypted at rest) and PBS.
            await journal.PendingAsync(state, Id, ResourceKind.PocketIdClientSecret, existing.Id, cancellationToken);
            state.Results.ClientSecret = await client.CreateClientSecretAsync(existing.Id, state.Results.PocketIdVersion, cancellationToken);
            await journal.DoneAsync(state, Id, ResourceKind.PocketIdClientSecret, existing.Id, cancellationToken);
        }

        return StepOutcome.Success($"OIDC client '{existing.Name}' ({existing.Id}) is ready with callback {string.Join(", ", callbacks)}.");
    }

    public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            if (state.Results.ClientId is null || state.Results.ClientSecret is null)
            {
                return StepOutcome.Failure("The OIDC client has not been created yet: apply this step first.");
            }

            var client = clients.CreatePocketId(state.PocketId);
            var found = await client.FindOidcClientAsync(state.Results.ClientId, cancellationToken);
            if (found is null)
            {
                return StepOutcome.Failure($"Pocket ID no longer has the OIDC client {state.Results.ClientId}: apply this step again to recreate it.");
            }

            var errors = new List<FieldError>();
            var missing = CallbackUrlsFor(state).Except(found.CallbackUrlList, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                errors.Add(FieldError.ForStep($"The OIDC client lacks the callback URL {string.Join(", ", missing)}: apply this step again."));
            }

            if (state.Client.AllowedGroups.Count > 0)
            {
                // The admin may have typed a friendly name: compare the resolved groups by id.
                var wanted = await ResolveGroupsAsync(client, state.Client.AllowedGroups, cancellationToken);
                var allowed = found.AllowedUserGroupList.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
                if (!found.IsGroupRestricted || !wanted.All(g => allowed.Contains(g.Id)))
                {
                    errors.Add(new(nameof(OidcClientInput.AllowedGroups), "The OIDC client is not restricted to the chosen groups: apply this step again."));
                }
            }

            errors.AddRange(ClientLogos.Missing(state, found));

            return errors.Count == 0 ? StepOutcome.Success($"OIDC client {found.Id} checked.") : StepOutcome.Failure([.. errors]);
        }, string.Empty, "Checking the Pocket ID OIDC client");

    public override Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePocketId(state.PocketId);
            await RestoreAdoptedAsync(client, state, cancellationToken);
            foreach (var id in RunJournal.SentByRun(state, ResourceKind.PocketIdClient).Reverse())
            {
                // Deleting the client also removes its secrets, logo and group links.
                await client.DeleteOidcClientAsync(id, cancellationToken);
                await journal.UndoneAsync(state, Id, ResourceKind.PocketIdClient, id, cancellationToken);
                if (state.Results.ClientId == id)
                {
                    state.Results.ClientId = null;
                    state.Results.ClientSecret = null;
                }
            }

            return StepOutcome.Success();
        }, string.Empty, "Removing the Pocket ID OIDC client");

    /// <summary>True when this run sent a create for the client's secret (answer seen or not) and has not undone it.</summary>
    private static bool SecretSentByRun(WizardState state, string clientId) =>
        RunJournal.IsOurs(state, ResourceKind.PocketIdClientSecret, clientId);


    /// <summary>This run's client (journal, even if only Pending), else the one the state names, else an existing client of a setup made by hand, which is adopted (the reason is returned with it); null when a new client is needed.</summary>
    private async Task<(PocketIdOidcClient? Client, string? AdoptedBecause)> FindAsync(PocketIdClient client, WizardState state, CancellationToken cancellationToken)
    {
        var candidates = RunJournal.SentByRun(state, ResourceKind.PocketIdClient).Reverse().ToList();
        if (state.Results.ClientId is { } known && !candidates.Contains(known) && string.IsNullOrWhiteSpace(state.Client.AdoptClientId))
        {
            candidates.Add(known);
        }

        foreach (var id in candidates)
        {
            if (await client.FindOidcClientAsync(id, cancellationToken) is { } found)
            {
                return (found, RunJournal.IsOurs(state, ResourceKind.PocketIdClient, id) ? null : "the existing client found in place when this run planned");
            }
        }

        var existing = await ClientAdoption.FindAsync(clients, state, cancellationToken);
        return existing is { } adopted ? (adopted.Client, adopted.Why) : (null, null);
    }

    /// <summary>Puts back what the run changed on an adopted client (callbacks, PKCE); an adopted client is never deleted.</summary>
    private async Task RestoreAdoptedAsync(PocketIdClient client, WizardState state, CancellationToken cancellationToken)
    {
        if (state.Results.AdoptedClient is not { } adopted || !RunJournal.UpdatesSentByRun(state, ResourceKind.PocketIdClient).Contains(adopted.Id))
        {
            return;
        }

        if (await client.FindOidcClientAsync(adopted.Id, cancellationToken) is not null)
        {
            await client.UpdateOidcClientAsync(adopted.Id, c => c with { CallbackUrls = adopted.CallbackUrls, PkceEnabled = adopted.PkceEnabled }, cancellationToken);
        }

        await journal.UndoneAsync(state, Id, ResourceKind.PocketIdClient, adopted.Id, cancellationToken, RunJournal.Update,
            $"callbacks back to {string.Join(", ", adopted.CallbackUrls)}; the client itself is kept (it existed before this run)");
    }

    private async Task<PocketIdOidcClient> CreateAsync(PocketIdClient client, WizardState state, IReadOnlyList<string> callbacks, bool restrict, CancellationToken cancellationToken)
    {
        var id = ClientIdFor(state);
        var body = new PocketIdOidcClientWrite
        {
            Id = id,
            Name = state.Client.Name.Trim(),
            CallbackUrls = callbacks,
            LaunchUrl = callbacks[0],
            // Confidential client; PKCE required: PBS always sends a challenge (pocket-id-api.md §11.4).
            IsPublic = false,
            PkceEnabled = true,
            // Restriction needs the flag first, then the group list (§8).
            IsGroupRestricted = restrict,
        };

        await journal.PendingAsync(state, Id, ResourceKind.PocketIdClient, id, cancellationToken);
        PocketIdOidcClient created;
        try
        {
            created = await client.CreateOidcClientAsync(body, cancellationToken);
        }
        catch (ExternalApiException ex) when (StepFailures.IsAlreadyExists(ex) || ex.StatusCode == HttpStatusCode.Conflict)
        {
            // The id is this run's: an earlier attempt got through (409 client_id_already_exists, §4.3).
            created = await client.GetOidcClientAsync(id, cancellationToken);
        }

        await journal.DoneAsync(state, Id, ResourceKind.PocketIdClient, created.Id, cancellationToken);
        return created;
    }

    /// <summary>The Pocket ID groups the admin named, by `name` or else by friendly name (as the admin sees them in the UI); every later comparison uses their ids, never the typed text. Unknown names are a field error.</summary>
    public static async Task<IReadOnlyList<PocketIdUserGroup>> ResolveGroupsAsync(PocketIdClient client, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var all = await client.ListUserGroupsAsync(null, cancellationToken);
        var resolved = new List<PocketIdUserGroup>();
        var unknown = new List<string>();
        foreach (var name in names.Select(n => n.Trim()).Distinct(StringComparer.Ordinal))
        {
            // The groups claim carries `name`; accept the friendly name too, as the admin sees it in the UI (§9).
            var group = all.FirstOrDefault(g => g.Name == name) ?? all.FirstOrDefault(g => string.Equals(g.FriendlyName, name, StringComparison.Ordinal));
            if (group is null)
            {
                unknown.Add(name);
            }
            else
            {
                resolved.Add(group);
            }
        }

        if (unknown.Count > 0)
        {
            throw new WizardStepException(new FieldError(nameof(OidcClientInput.AllowedGroups),
                $"Pocket ID has no user group named {string.Join(", ", unknown.Select(u => $"'{u}'"))}: create it in Pocket ID → User Groups, or remove it here."));
        }

        return resolved;
    }
}
