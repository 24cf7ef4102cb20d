using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

public sealed class ChangeStepTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

    private static async Task<WizardState> ThroughRealmAsync(SimulatorHost host)
    {
        var state = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        return state;
    }

    [Fact]
    public async Task EveryPlan_NewRunOverAFinishedSetup_LeavesTheStateAsItWasAndReportsWhatItFound()
    {
        await using var host = await SimulatorHost.StartAsync();
        var finished = await ThroughRealmAsync(host);
        finished.FirstSignIn.PreCreateUsers = ["alice"];
        finished.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" }];
        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), finished);
        await host.RunStepOkAsync(host.Step<PermissionsStep>(), finished);

        // A new run over what exists: the client and the key PBS holds are found, but by the plan only reported.
        var state = await host.ConnectedStateAsync();
        state.Realm.Name = finished.Realm.Name;
        state.FirstSignIn.PreCreateUsers = ["alice"];
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" }];
        StepPlan? clientPlan = null;
        foreach (var step in host.Steps.Where(s => s.Kind != StepKind.Connection))
        {
            var before = JsonSerializer.Serialize(state, WizardJson.FingerprintOptions);
            var plan = await step.PlanAsync(state, CancellationToken.None);
            Assert.Equal(before, JsonSerializer.Serialize(state, WizardJson.FingerprintOptions));
            clientPlan ??= step is OidcClientStep ? plan : null;
            // As the session does after a plan: the later steps plan against what was found.
            plan.Findings?.Invoke(state.Results);
        }

        Assert.NotNull(clientPlan?.Findings);
        Assert.Equal(finished.Results.ClientId, state.Results.ClientId);
        Assert.NotNull(state.Results.ClientSecret);
    }

    [Fact]
    public async Task RerunOfEveryStep_WhenEverythingExists_PlansNoChangeAndCreatesNothing()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        state.FirstSignIn.PreCreateUsers = ["alice"];
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/datastore/store1", Role = "DatastoreBackup" }];
        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), state);
        await host.RunStepOkAsync(host.Step<PermissionsStep>(), state);

        foreach (var step in new IWizardStep[] { host.Step<OidcClientStep>(), host.Step<PbsRealmStep>(), host.Step<FirstSignInStep>(), host.Step<PermissionsStep>() })
        {
            var plan = await host.RunStepOkAsync(step, state);
            Assert.NotNull(plan);
            Assert.False(plan.HasChanges, $"{step.Title}: {string.Join("; ", plan.Changes.Select(c => $"{c.Kind} {c.Resource} {c.Description}"))}");
        }

        Assert.Single(host.PocketId.Clients);
        Assert.Single(host.Pbs.Realms, r => r.Type == "openid");
        Assert.Single(host.Pbs.Acls, a => a.AuthId == "alice@PocketID");
    }

    [Fact]
    public async Task OidcClient_ExistingClientWithSameNameAndCallback_IsReusedWithANewSecret()
    {
        await using var host = await SimulatorHost.StartAsync();
        var first = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), first);

        // A new run (say, after the browser data was lost) finds the client instead of making a second one.
        var second = await host.ConnectedStateAsync();
        var plan = await host.RunStepOkAsync(host.Step<OidcClientStep>(), second);

        Assert.Contains(plan!.Changes, c => c.Kind == ChangeKind.NoChange && c.Resource == "Pocket ID OIDC client");
        Assert.Single(host.PocketId.Clients);
        Assert.Equal(first.Results.ClientId, second.Results.ClientId);
        Assert.NotNull(second.Results.ClientSecret);
        Assert.Empty(second.CreatedByRun(ResourceKind.PocketIdClient));
    }

    [Fact]
    public async Task OidcClient_NewRunAfterCompletedRun_TakesTheKeyFromThePbsRealmAndCreatesNoSecret()
    {
        await using var host = await SimulatorHost.StartAsync();
        var first = await ThroughRealmAsync(host);
        var secretId = Assert.Single(Assert.Single(host.PocketId.Clients).Secrets).Id;
        var key = host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties["client-key"];
        WizardSecrets.Wipe(first);

        // A new run (the first one completed, its secret wiped): the realm GET returns client-key (pbs-api.md §3.2).
        var second = await host.ConnectedStateAsync();
        var clientPlan = await host.RunStepOkAsync(host.Step<OidcClientStep>(), second);
        var realmPlan = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), second);

        Assert.All(clientPlan!.Changes.Concat(realmPlan!.Changes), c => Assert.Equal(ChangeKind.NoChange, c.Kind));
        Assert.Contains(clientPlan.Changes, c => c.Resource == "Pocket ID client secret" && c.Description.Contains("already in the PBS realm", StringComparison.Ordinal));
        var client = Assert.Single(host.PocketId.Clients);
        Assert.Equal(secretId, Assert.Single(client.Secrets).Id);
        Assert.Equal(client.Id, second.Results.ClientId);
        Assert.Equal(key, second.Results.ClientSecret?.Reveal());
        Assert.Equal(key, host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties["client-key"]);
        Assert.Empty(second.Journal);
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
    }

    [Fact]
    public async Task OidcClient_PlanOfANewRunAfterCompletedRun_IsNoChangeAndRecordsClientAndKeyForTheRealmPlan()
    {
        await using var host = await SimulatorHost.StartAsync();
        await ThroughRealmAsync(host);
        var second = await host.ConnectedStateAsync();

        var plan = await host.Step<OidcClientStep>().PlanAsync(second, CancellationToken.None);
        // The session records what the plan found (plans only read).
        plan.Findings?.Invoke(second.Results);

        Assert.False(plan.HasChanges, string.Join("; ", plan.Changes.Select(c => $"{c.Kind} {c.Resource} {c.Description}")));
        Assert.Empty(host.Step<PbsRealmStep>().Validate(second));
        Assert.False((await host.Step<PbsRealmStep>().PlanAsync(second, CancellationToken.None)).HasChanges);
        Assert.Single(Assert.Single(host.PocketId.Clients).Secrets);
    }

    [Fact]
    public async Task OidcClient_PbsKeyMatchesNoActiveSecret_CreatesANewSecretAndHandsItToPbs()
    {
        await using var host = await SimulatorHost.StartAsync();
        var first = await ThroughRealmAsync(host);
        var pbs = host.Engine.GetRequiredService<ApiClientFactory>().CreatePbs(first.Pbs);
        var realm = await pbs.GetOpenIdRealmAsync("PocketID", CancellationToken.None);
        await pbs.UpdateOpenIdRealmAsync("PocketID", new PbsOpenIdRealmUpdate { ClientKey = "stale-key-not-from-pocket-id", Default = realm.Value.Default ?? false, Digest = realm.Digest }, CancellationToken.None);

        // v2.14+ lists secret prefixes (pocket-id-api.md §6.1): a key none of them starts is not taken as valid.
        var second = await host.ConnectedStateAsync();
        var clientPlan = await host.RunStepOkAsync(host.Step<OidcClientStep>(), second);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), second);

        Assert.Contains(clientPlan!.Changes, c => c.Kind == ChangeKind.Create && c.Resource == "Pocket ID client secret");
        // The first secret, which PBS no longer holds, is deleted once PBS has the new one: secrets do not pile up.
        Assert.Single(Assert.Single(host.PocketId.Clients).Secrets);
        Assert.Equal(second.Results.ClientSecret?.Reveal(), host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties["client-key"]);
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
    }

    [Fact]
    public async Task OidcClient_SecretCreateSentByThisRun_DoesNotTrustTheKeyInPbs()
    {
        // ≤ v2.13 replaces the secret (pocket-id-api.md §6.2): once this run sent a create, PBS's key may be stale.
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PocketIdVersion = "2.13.0" });
        var state = await ThroughRealmAsync(host);
        state.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.OidcClient, RunJournal.Create, ResourceKind.PocketIdClientSecret,
            state.Results.ClientId!, JournalOutcome.Pending));
        state.Results.ClientSecret = null;

        var plan = await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        Assert.Contains(plan!.Changes, c => c.Kind == ChangeKind.Create && c.Resource == "Pocket ID client secret");
        Assert.Equal(state.Results.ClientSecret?.Reveal(), host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties["client-key"]);
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
    }

    [Fact]
    public async Task OidcClient_V213_UsesTheSingularSecretEndpoint()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PocketIdVersion = "2.13.0" });
        var state = await host.ConnectedStateAsync();

        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        Assert.Contains(host.PocketId.Requests.Snapshot(), r => r.Method == "POST" && r.Path.EndsWith("/secret", StringComparison.Ordinal) && r.Status == 200);
        Assert.DoesNotContain(host.PocketId.Requests.Snapshot(), r => r.Path.EndsWith("/secrets", StringComparison.Ordinal));
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
    }

    [Fact]
    public async Task OidcClient_V214_UsesTheSecretsEndpoint()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();

        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        Assert.Contains(host.PocketId.Requests.Snapshot(), r => r.Method == "POST" && r.Path.EndsWith("/secrets", StringComparison.Ordinal) && r.Status == 201);
        Assert.Single(Assert.Single(host.PocketId.Clients).Secrets);
    }

    [Fact]
    public async Task OidcClient_LogoAndGroupRestriction_AreAppliedAndOnlyGroupMembersCanSignIn()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Client.LogoFileName = "pbs.png";
        state.Client.LogoContent = Png;
        state.Client.AllowedGroups = ["pbs-admins"];
        state.Client.ExtraCallbackUrls = ["https://pbs.example.com"];

        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        var client = Assert.Single(host.PocketId.Clients);
        Assert.NotNull(client.LightLogo);
        Assert.True(client.IsGroupRestricted);
        Assert.Equal([PbsPocketIdWizard.Simulators.PocketId.PocketIdSimulatorState.PbsAdminsGroupId], client.AllowedGroupIds);
        Assert.Equal(["https://pbs.example.com:8007", "https://pbs.example.com"], client.CallbackUrls);
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID", "alice"));
    }

    [Fact]
    public async Task OidcClient_UnknownGroup_FailsBeforeCreatingAnything()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Client.AllowedGroups = ["no-such-group"];

        var (_, outcome) = await host.RunStepAsync(host.Step<OidcClientStep>(), state);

        Assert.Equal(nameof(OidcClientInput.AllowedGroups), Assert.Single(outcome.Errors).Field);
        Assert.Empty(host.PocketId.Clients);
    }

    [Fact]
    public async Task OidcClient_LogoRefused_RemovesTheClientJustCreatedAndARetryFinishes()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Client.LogoFileName = "pbs.png";
        state.Client.LogoContent = Png;
        host.PocketIdFaults.Add(new PbsPocketIdWizard.Simulators.Faults.FaultRule
        {
            Method = "POST", Path = $"/api/oidc/clients/{OidcClientStep.ClientIdFor(state)}/logo", Status = 415,
        });

        var (_, failed) = await host.RunStepAsync(host.Step<OidcClientStep>(), state);

        Assert.False(failed.Succeeded);
        Assert.Equal(nameof(OidcClientInput.LogoFileName), Assert.Single(failed.Errors).Field);
        Assert.Contains("removed again", failed.Message, StringComparison.Ordinal);
        Assert.Empty(host.PocketId.Clients);

        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        Assert.NotNull(Assert.Single(host.PocketId.Clients).LightLogo);
    }

    [Fact]
    public async Task PbsRealm_Created_WithDiscoveryIssuerClientAndDefault()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Realm.Default = true;
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        var realm = Assert.Single(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.Equal("openid", realm.Type);
        Assert.Equal("https://id.example.com", realm.Properties["issuer-url"]);
        Assert.Equal(state.Results.ClientId, realm.Properties["client-id"]);
        Assert.Equal(state.Results.ClientSecret!.Reveal(), realm.Properties["client-key"]);
        Assert.Equal("username", realm.Properties["username-claim"]);
        Assert.Equal("true", realm.Properties["autocreate"]);
        Assert.Equal("true", realm.Properties["default"]);
        Assert.StartsWith("https://id.example.com/authorize", state.Results.RealmAuthUrlCheck, StringComparison.Ordinal);
        Assert.Equal(["PocketID"], state.CreatedByRun(ResourceKind.PbsRealm));
    }

    [Fact]
    public async Task PbsRealm_OnPbs32_IsCreatedWithoutDefault()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = "3.2.4" });
        var state = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        state.Permissions.SetScopes = true;
        state.FirstSignIn.PreCreateUsers = ["alice"];
        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), state);
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" }];
        await host.RunStepOkAsync(host.Step<PermissionsStep>(), state);

        var realm = Assert.Single(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.False(realm.Properties.ContainsKey("default"));
        Assert.Equal("openid profile email groups", realm.Properties["scopes"]);
    }

    [Fact]
    public async Task PbsRealm_ExistingRealmForAnotherClient_IsUpdatedKeepingDefault()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Realm.Default = true;
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        // A second client (the admin deleted the first in Pocket ID): the realm must follow it.
        var rerun = await host.ConnectedStateAsync();
        await host.Engine.GetRequiredService<ApiClientFactory>().CreatePocketId(rerun.PocketId).DeleteOidcClientAsync(state.Results.ClientId!, CancellationToken.None);
        rerun.Realm.Default = true;
        rerun.Client.Name = "PBS second";
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), rerun);
        var plan = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), rerun);

        Assert.Contains(plan!.Changes, c => c.Kind == ChangeKind.Update);
        var realm = Assert.Single(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.Equal(rerun.Results.ClientId, realm.Properties["client-id"]);
        Assert.Equal("true", realm.Properties["default"]);
    }

    [Fact]
    public async Task PbsRealm_ExistingRealmWithOtherUsernameClaim_ExplainsItCannotChange()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        state.Realm.UsernameClaim = "email";

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsRealmStep>(), state);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(nameof(RealmInput.UsernameClaim), error.Field);
        Assert.Contains("cannot change the username claim", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PbsRealm_NameTakenByPam_IsKeyedToName()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        state.Realm.Name = "pam";

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsRealmStep>(), state);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(nameof(RealmInput.Name), error.Field);
        Assert.Contains("pam realm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstSignIn_WatchForUsers_ReportsTheUserPbsAutoCreated()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        var seen = new List<DetectedUser>();
        var firstSeen = new TaskCompletionSource<DetectedUser>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var watch = host.Engine.GetRequiredService<SignInWatcher>().WatchAsync(state, user =>
        {
            seen.Add(user);
            firstSeen.TrySetResult(user);
            return Task.CompletedTask;
        }, null, stop.Token);
        await host.SignInThroughPbsAsync("PocketID");
        var detected = await firstSeen.Task.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await watch;

        Assert.Equal("alice@PocketID", detected.UserId);
        Assert.Equal("alice@example.com", detected.Email);
        Assert.Single(seen);
        Assert.Contains(state.Results.DetectedUsers, u => u.UserId == "alice@PocketID");
    }

    [Fact]
    public async Task FirstSignIn_PreCreate_CreatesTheUserWithoutPassword()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        state.FirstSignIn.PreCreateUsers = ["bob"];

        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), state);

        Assert.Contains(host.Pbs.Users, u => u.UserId == "bob@PocketID");
        Assert.Equal(["bob@PocketID"], state.CreatedByRun(ResourceKind.PbsUser));
    }

    [Fact]
    public async Task Permissions_UserThatNeverSignedIn_SaysToSignInFirst()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        state.Permissions.Grants = [new PermissionGrantInput { User = "nobody", Path = "/", Role = "Admin" }];

        var (_, outcome) = await host.RunStepAsync(host.Step<PermissionsStep>(), state);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal("Grants[0].User", error.Field);
        Assert.Contains("sign in to PBS once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permissions_PlanBeforeTheRealmExists_PlansScopesAndOneCreatePerGrantWithoutThrowing()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Permissions.Grants =
        [
            new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" },
            new PermissionGrantInput { User = "bob", Path = "/datastore/store1", Role = "DatastoreBackup", Propagate = false },
        ];

        var plan = await host.Step<PermissionsStep>().PlanAsync(state, CancellationToken.None);

        Assert.Collection(plan.Changes,
            scopes =>
            {
                Assert.Equal((ChangeKind.Update, "PBS realm scopes"), (scopes.Kind, scopes.Resource));
                Assert.Contains("once the realm is created", scopes.Description, StringComparison.Ordinal);
            },
            alice =>
            {
                Assert.Equal((ChangeKind.Create, "PBS permission"), (alice.Kind, alice.Resource));
                Assert.Equal("Admin on / for alice@PocketID (once alice@PocketID exists: first sign-in or pre-created)", alice.Description);
            },
            bob =>
            {
                Assert.Equal((ChangeKind.Create, "PBS permission"), (bob.Kind, bob.Resource));
                Assert.StartsWith("DatastoreBackup on /datastore/store1 for bob@PocketID (not propagated)", bob.Description, StringComparison.Ordinal);
            });
        Assert.DoesNotContain(host.Pbs.Realms, r => r.Name == "PocketID");
    }

    [Fact]
    public async Task Permissions_PlanWithOneAclInPlace_IsNoChangeForItAndCreateForTheOther()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        state.Permissions.SetScopes = false;
        state.FirstSignIn.PreCreateUsers = ["alice"];
        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), state);
        host.Pbs.SetAcl("/", "alice@PocketID", "Admin");
        state.Permissions.Grants =
        [
            new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" },
            new PermissionGrantInput { User = "alice", Path = "/datastore/store1", Role = "DatastoreReader" },
        ];

        var plan = await host.Step<PermissionsStep>().PlanAsync(state, CancellationToken.None);

        Assert.Equal(
            [(ChangeKind.NoChange, "alice@PocketID already has Admin on /"), (ChangeKind.Create, "DatastoreReader on /datastore/store1 for alice@PocketID")],
            plan.Changes.Select(c => (c.Kind, c.Description)));
    }

    [Fact]
    public async Task Permissions_SetsScopesWithDigestAndKeepsTheDefaultFlag()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Realm.Default = true;
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        await host.RunStepOkAsync(host.Step<PermissionsStep>(), state);

        var realm = Assert.Single(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.Equal("openid profile email groups", realm.Properties["scopes"]);
        Assert.Equal("true", realm.Properties["default"]);
    }

    [Fact]
    public async Task Undo_AfterAFullRun_RemovesOnlyWhatTheRunCreatedInReverseOrder()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Pbs.AddUser("carol@pbs");
        host.Pbs.SetAcl("/", "carol@pbs", "Audit");
        var state = await ThroughRealmAsync(host);
        state.FirstSignIn.PreCreateUsers = ["alice"];
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" }];
        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), state);
        await host.RunStepOkAsync(host.Step<PermissionsStep>(), state);

        foreach (var step in host.Steps.Reverse())
        {
            var outcome = await step.UndoAsync(state, CancellationToken.None);
            Assert.True(outcome.Succeeded, $"{step.Title}: {outcome.Message}");
        }

        Assert.Empty(host.PocketId.Clients);
        Assert.DoesNotContain(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.DoesNotContain(host.Pbs.Users, u => u.UserId == "alice@PocketID");
        Assert.DoesNotContain(host.Pbs.Acls, a => a.AuthId == "alice@PocketID");
        Assert.Contains(host.Pbs.Acls, a => a.AuthId == "carol@pbs");
        Assert.Contains(host.Pbs.Users, u => u.UserId == "root@pam");
    }
}
