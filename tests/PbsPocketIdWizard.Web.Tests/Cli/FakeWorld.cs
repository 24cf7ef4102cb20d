using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// Two fake servers in one object and steps that act on them idempotently, so the command line can be tested before
/// (and besides) the real steps and simulators: check-then-create, journal, undo of what the run created.
/// </summary>
public sealed class FakeWorld
{
    public const string GeneratedClientSecret = "generated-client-secret-Qw7Zk2";

    public HashSet<string> Clients { get; } = [];

    public HashSet<string> Realms { get; } = [];

    public HashSet<string> Users { get; } = [];

    public HashSet<string> Acls { get; } = [];

    public int ClientCreates { get; set; }

    public bool PbsDown { get; set; }

    public string? RequiredTotp { get; set; }

    /// <summary>Users who "sign in" once the watch starts (after a short delay).</summary>
    public List<string> SignInDuringWatch { get; } = [];

    /// <summary>How long after the watch starts the users of <see cref="SignInDuringWatch"/> sign in.</summary>
    public TimeSpan SignInAfter { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long the watch's first listing takes (a slow PBS).</summary>
    public TimeSpan FirstPollDelay { get; set; } = TimeSpan.Zero;

    public void Register(IServiceCollection services)
    {
        // Replace the real engine's steps and sign-in watch.
        services.RemoveAll<IWizardStep>();
        services.RemoveAll<WatchForUsers>();
        services.AddSingleton(this);
        services.AddSingleton<IWizardStep>(new ConnectionStep(WizardStepId.PocketIdConnection, "Pocket ID connection", this));
        services.AddSingleton<IWizardStep>(new ConnectionStep(WizardStepId.PbsConnection, "PBS connection", this));
        services.AddSingleton<IWizardStep>(new ResourceStep(WizardStepId.OidcClient, "OIDC client", ResourceKind.PocketIdClient, "Pocket ID OIDC client", s => [s.Client.Name], Clients, this));
        services.AddSingleton<IWizardStep>(new ResourceStep(WizardStepId.PbsRealm, "PBS realm", ResourceKind.PbsRealm, "PBS OpenID realm", s => [s.Realm.Name], Realms, this));
        services.AddSingleton<IWizardStep>(new SignInStep(this));
        services.AddSingleton<IWizardStep>(new ResourceStep(WizardStepId.Permissions, "Permissions", ResourceKind.PbsAcl, "PBS ACL", s => s.Permissions.Grants.Select(g => $"{g.Path}|{g.User}|{g.Role}").ToList(), Acls, this));
        services.AddSingleton<IWizardStep>(new SummaryStep());
        services.AddSingleton<WatchForUsers>(WatchAsync);
    }

    private async Task WatchAsync(WizardState state, Func<DetectedUser, Task> onNewUser, Action? onFirstPoll, Func<string, Task>? onFailedSignIn, CancellationToken cancellationToken)
    {
        var reported = new HashSet<string>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        // A slow PBS: the first listing takes this long.
        await Task.Delay(FirstPollDelay, cancellationToken);
        while (true)
        {
            foreach (var user in Users.Where(u => u.EndsWith("@" + state.Realm.Name, StringComparison.Ordinal)).ToList())
            {
                if (reported.Add(user))
                {
                    var detected = new DetectedUser(user, $"{user.Split('@')[0]}@example.com", null, DateTimeOffset.UnixEpoch);
                    state.Results.DetectedUsers.Add(detected);
                    await onNewUser(detected);
                }
            }

            onFirstPoll?.Invoke();
            onFirstPoll = null;
            await Task.Delay(20, cancellationToken);
            if (started.Elapsed < SignInAfter)
            {
                continue;
            }

            foreach (var name in SignInDuringWatch.ToList())
            {
                Users.Add($"{name}@{state.Realm.Name}");
                SignInDuringWatch.Remove(name);
            }
        }
    }

    private sealed class ConnectionStep(WizardStepId id, string title, FakeWorld world) : WizardStep
    {
        public override WizardStepId Id => id;

        public override string Title => title;

        public override StepKind Kind => StepKind.Connection;

        public override IReadOnlyList<FieldError> Validate(WizardState state) =>
            id == WizardStepId.PocketIdConnection && string.IsNullOrEmpty(state.PocketId.Url) ? [new FieldError(nameof(PocketIdConnectionInput.Url), "Enter the address.")] : [];

        public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken)
        {
            if (id == WizardStepId.PbsConnection && world.PbsDown)
            {
                throw new ExternalApiException(ExternalService.Pbs, null, "connection refused");
            }

            if (id == WizardStepId.PbsConnection && world.RequiredTotp is { } totp && state.Pbs.TotpCode != totp)
            {
                return Task.FromResult(StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.TotpCode), "PBS asks for a TOTP code.")));
            }

            state.Results.Issuer ??= state.PocketId.Url;
            return Task.FromResult(StepOutcome.Success());
        }
    }

    private sealed class ResourceStep(WizardStepId id, string title, ResourceKind kind, string resource, Func<WizardState, IReadOnlyList<string>> wanted, HashSet<string> existing, FakeWorld world) : WizardStep
    {
        public override WizardStepId Id => id;

        public override string Title => title;

        public override Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken) =>
            Task.FromResult(new StepPlan(
                wanted(state).Select(w => new PlannedChange(existing.Contains(w) ? ChangeKind.NoChange : ChangeKind.Create, resource, w)).ToList(),
                InputFingerprint(state)));

        public override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken)
        {
            foreach (var item in wanted(state).Where(w => !existing.Contains(w)))
            {
                if (id == WizardStepId.Permissions && !world.Users.Contains(item.Split('|')[1]))
                {
                    return Task.FromResult(StepOutcome.Failure("PBS: no such user."));
                }

                existing.Add(item);
                state.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, id, "create", kind, item, JournalOutcome.Done));
                if (id == WizardStepId.OidcClient)
                {
                    world.ClientCreates++;
                    state.Results.ClientId = "client-1";
                    state.Results.ClientSecret = new Secret(GeneratedClientSecret);
                }
            }

            return Task.FromResult(StepOutcome.Success());
        }

        public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
            Task.FromResult(wanted(state).All(existing.Contains) ? StepOutcome.Success() : StepOutcome.Failure($"{resource} missing"));

        public override Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken)
        {
            foreach (var item in state.CreatedByRun(kind))
            {
                existing.Remove(item);
                state.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, id, "delete", kind, item, JournalOutcome.Undone));
            }

            return Task.FromResult(StepOutcome.Success());
        }
    }

    private sealed class SignInStep(FakeWorld world) : WizardStep
    {
        public override WizardStepId Id => WizardStepId.FirstSignIn;

        public override string Title => "First sign-in";

        public override StepKind Kind => StepKind.Pause;

        public override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
            Task.FromResult(state.FirstSignIn.SelectedUsers.All(world.Users.Contains)
                ? StepOutcome.Success()
                : StepOutcome.Failure("The selected users have not signed in yet."));
    }

    private sealed class SummaryStep : WizardStep
    {
        public override WizardStepId Id => WizardStepId.Summary;

        public override string Title => "Summary";

        public override StepKind Kind => StepKind.Summary;
    }
}
