using System.Net;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// The pause: the admin signs in to PBS with Pocket ID once, PBS auto-creates the user (pbs-api.md §5.4), and the
/// wizard sees it appear (<see cref="SignInWatcher"/>, one poller per run). Alternatively users are pre-created (§5.2)
/// so permissions can be granted before a sign-in.
/// </summary>
public sealed class FirstSignInStep(ApiClientFactory clients, RunJournal journal, TimeProvider time) : WizardStep
{
    public override WizardStepId Id => WizardStepId.FirstSignIn;

    public override string Title => "First sign-in";

    public override StepKind Kind => StepKind.Pause;

    public override StepTarget Target => StepTarget.Pbs;

    public override bool ValidatesInputsAlone => false;

    protected override object InputsOf(WizardState state) => state.FirstSignIn;

    public override IReadOnlyList<FieldError> Validate(WizardState state)
    {
        var realm = state.Realm.Name;
        var errors = new List<FieldError>();
        if (state.FirstSignIn.SelectedUsers.Count == 0 && state.FirstSignIn.PreCreateUsers.Count == 0)
        {
            errors.Add(FieldError.ForStep(
                $"Sign in to PBS once with Pocket ID (choose the realm '{realm}' on the PBS login page) and pick your user when it appears, or name users to create in PBS now."));
        }

        foreach (var user in state.FirstSignIn.PreCreateUsers)
        {
            var id = PbsRules.ToUserId(user, realm);
            if (!PbsRules.IsValidUserId(id) || PbsRules.RealmOf(id) != realm)
            {
                errors.Add(new(nameof(FirstSignInInput.PreCreateUsers),
                    $"'{user}' is not a valid PBS user name for realm {realm}: no spaces, ':' or '/', and at most 64 characters with '@{realm}'."));
            }
        }

        foreach (var user in state.FirstSignIn.SelectedUsers)
        {
            if (!PbsRules.IsValidUserId(user) || PbsRules.RealmOf(user) != realm)
            {
                errors.Add(new(nameof(FirstSignInInput.SelectedUsers), $"'{user}' is not a user of the realm {realm}."));
            }
        }

        return errors;
    }

    public override async Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken)
    {
        var existing = await UserIdsAsync(state, cancellationToken);
        var changes = new List<PlannedChange>();
        foreach (var id in PreCreateIds(state))
        {
            changes.Add(existing.Contains(id)
                ? new(ChangeKind.NoChange, "PBS user", $"{id} exists")
                : new(ChangeKind.Create, "PBS user", $"{id} (pre-created, no password: signs in through Pocket ID)"));
        }

        foreach (var id in state.FirstSignIn.SelectedUsers)
        {
            // A user still to come is a change PBS makes itself at the first sign-in (autocreate, §5.4), not "no change".
            changes.Add(existing.Contains(id)
                ? new(ChangeKind.NoChange, "PBS user", $"{id} signed in")
                : state.Realm.Autocreate
                    ? new(ChangeKind.Create, "PBS user", $"{id} — PBS creates it at the first sign-in (autocreate)")
                    : new(ChangeKind.NoChange, "PBS user", $"{id} (not in PBS yet, and the realm does not autocreate users: pre-create it)"));
        }

        return new StepPlan(changes, InputFingerprint(state));
    }

    public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            var existing = await UserIdsAsync(state, cancellationToken);
            foreach (var id in PreCreateIds(state))
            {
                if (existing.Contains(id))
                {
                    if (RunJournal.IsOurs(state, ResourceKind.PbsUser, id) && !state.CreatedByRun(ResourceKind.PbsUser).Contains(id))
                    {
                        await journal.DoneAsync(state, Id, ResourceKind.PbsUser, id, cancellationToken, detail: "found after an interrupted create");
                    }

                    continue;
                }

                await journal.PendingAsync(state, Id, ResourceKind.PbsUser, id, cancellationToken);
                try
                {
                    // No password: for an OpenID user PBS would save the user and then answer 501 (§5.2).
                    await client.CreateUserAsync(new PbsUserCreate { UserId = id, Comment = "Created by PbsPocketIdWizard" }, cancellationToken);
                }
                catch (ExternalApiException ex) when (StepFailures.IsAlreadyExists(ex))
                {
                    // An earlier attempt of this run got through.
                }

                await journal.DoneAsync(state, Id, ResourceKind.PbsUser, id, cancellationToken);
            }

            var missing = state.FirstSignIn.SelectedUsers.Where(u => !existing.Contains(u)).ToList();
            if (missing.Count > 0)
            {
                return StepOutcome.Failure(new FieldError(nameof(FirstSignInInput.SelectedUsers),
                    $"PBS has no user {string.Join(", ", missing)}: sign in to PBS with Pocket ID first (realm '{state.Realm.Name}'), or pre-create the user."));
            }

            foreach (var id in state.FirstSignIn.SelectedUsers.Concat(PreCreateIds(state)))
            {
                if (!state.Results.DetectedUsers.Any(u => u.UserId == id))
                {
                    state.Results.DetectedUsers.Add(new DetectedUser(id, null, null, time.GetUtcNow()));
                }
            }

            return StepOutcome.Success($"Continuing with {string.Join(", ", state.FirstSignIn.SelectedUsers.Concat(PreCreateIds(state)).Distinct())}.");
        }, string.Empty, "Preparing the PBS users");

    public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var existing = await UserIdsAsync(state, cancellationToken);
            var missing = state.FirstSignIn.SelectedUsers.Concat(PreCreateIds(state)).Where(u => !existing.Contains(u)).Distinct().ToList();
            return missing.Count == 0
                ? StepOutcome.Success("The users exist in PBS.")
                : StepOutcome.Failure(new FieldError(nameof(FirstSignInInput.SelectedUsers), $"PBS has no user {string.Join(", ", missing)}: apply this step again."));
        }, string.Empty, "Checking the PBS users");

    public override Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken) =>
        StepFailures.GuardAsync(async () =>
        {
            var client = clients.CreatePbs(state.Pbs);
            foreach (var id in RunJournal.SentByRun(state, ResourceKind.PbsUser).Reverse())
            {
                try
                {
                    await client.DeleteUserAsync(id, cancellationToken);
                }
                catch (ExternalApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
                {
                    // Already gone.
                }

                await journal.UndoneAsync(state, Id, ResourceKind.PbsUser, id, cancellationToken);
            }

            return StepOutcome.Success();
        }, string.Empty, "Removing the pre-created PBS users");

    private static IEnumerable<string> PreCreateIds(WizardState state) =>
        state.FirstSignIn.PreCreateUsers.Select(u => PbsRules.ToUserId(u, state.Realm.Name)).Distinct(StringComparer.Ordinal);

    private async Task<HashSet<string>> UserIdsAsync(WizardState state, CancellationToken cancellationToken) =>
        (await clients.CreatePbs(state.Pbs).ListUsersAsync(cancellationToken)).Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
}
