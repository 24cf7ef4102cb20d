using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// Setting `default` on a realm clears it on every other realm (pbs-api.md §3.3), so undo must hand the flag back to the
/// realm that had it: PUT /config/access/pam|pbs (3.3.7+, §0) or /config/access/openid/{realm}.
/// </summary>
public sealed class DefaultRealmUndoTests
{
    private static async Task<WizardState> ThroughRealmAsync(SimulatorHost host, bool makeDefault)
    {
        var state = host.NewState();
        state.Realm.Default = makeDefault;
        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        return state;
    }

    private static PbsClient Pbs(SimulatorHost host, WizardState state) =>
        host.Engine.GetRequiredService<ApiClientFactory>().CreatePbs(state.Pbs);

    private static string? DefaultRealm(SimulatorHost host) =>
        host.Pbs.Realms.SingleOrDefault(r => r.Properties.GetValueOrDefault("default") == "true")?.Name;

    private static async Task UndoRealmStepOkAsync(SimulatorHost host, WizardState state)
    {
        var outcome = await host.Step<PbsRealmStep>().UndoAsync(state, CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.Message);
    }

    [Fact]
    public async Task Undo_RealmCreatedAsDefault_MakesPamTheDefaultAgain()
    {
        await using var host = await SimulatorHost.StartAsync();
        Assert.Equal("pam", DefaultRealm(host));
        var state = await ThroughRealmAsync(host, makeDefault: true);
        Assert.Equal("PocketID", DefaultRealm(host));
        Assert.Equal(["pam|PocketID"], state.ChangedByRun(ResourceKind.PbsDefaultRealm));

        await UndoRealmStepOkAsync(host, state);

        Assert.DoesNotContain(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.Equal("pam", DefaultRealm(host));
        Assert.Empty(state.ChangedByRun(ResourceKind.PbsDefaultRealm));
        Assert.Contains(state.Journal, e => e is { Resource: ResourceKind.PbsDefaultRealm, Outcome: JournalOutcome.Undone, Detail: "'pam' is the default realm again" });
    }

    [Fact]
    public async Task Undo_RealmCreatedWithoutDefault_RecordsNoMoveAndLeavesPamDefault()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host, makeDefault: false);

        await UndoRealmStepOkAsync(host, state);

        Assert.DoesNotContain(state.Journal, e => e.Resource == ResourceKind.PbsDefaultRealm);
        Assert.Equal("pam", DefaultRealm(host));
    }

    [Fact]
    public async Task Undo_PreviousDefaultWasThePbsRealm_PutsTheFlagBackThroughConfigAccessPbs()
    {
        await using var host = await SimulatorHost.StartAsync();
        var setup = host.NewState();
        await Pbs(host, setup).UpdateBuiltinRealmAsync("pbs", new PbsBuiltinRealmUpdate { Default = true }, CancellationToken.None);
        Assert.Equal("pbs", DefaultRealm(host));
        var state = await ThroughRealmAsync(host, makeDefault: true);

        await UndoRealmStepOkAsync(host, state);

        Assert.Equal("pbs", DefaultRealm(host));
        Assert.Equal("Proxmox Backup authentication server", host.Pbs.Realms.Single(r => r.Name == "pbs").Properties["comment"]);
    }

    [Fact]
    public async Task Undo_AnotherRealmBecameDefaultMeanwhile_KeepsThatChoice()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host, makeDefault: true);
        // The admin chose pbs as the default after the run: undo must not take that away.
        await Pbs(host, state).UpdateBuiltinRealmAsync("pbs", new PbsBuiltinRealmUpdate { Default = true }, CancellationToken.None);

        await UndoRealmStepOkAsync(host, state);

        Assert.Equal("pbs", DefaultRealm(host));
        Assert.Contains(state.Journal, e => e is { Resource: ResourceKind.PbsDefaultRealm, Outcome: JournalOutcome.Undone } && e.Detail!.Contains("'pbs' became the default realm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Undo_PreviousDefaultOpenIdRealmWasDeletedMeanwhile_LeavesNoDefaultAndSucceeds()
    {
        await using var host = await SimulatorHost.StartAsync();
        var setup = host.NewState();
        var pbs = Pbs(host, setup);
        await pbs.CreateOpenIdRealmAsync(new PbsOpenIdRealm { Realm = "Other", IssuerUrl = "https://other.example.com", ClientId = "other", Default = true }, CancellationToken.None);
        var state = await ThroughRealmAsync(host, makeDefault: true);
        await pbs.DeleteOpenIdRealmAsync("Other", CancellationToken.None);

        await UndoRealmStepOkAsync(host, state);

        Assert.Null(DefaultRealm(host));
        Assert.Contains(state.Journal, e => e is { Resource: ResourceKind.PbsDefaultRealm, Outcome: JournalOutcome.Undone, Detail: "'Other' no longer exists; the default realm was left as is" });
    }

    [Fact]
    public async Task Undo_PreviousDefaultWasAnOpenIdRealm_MakesItTheDefaultAgainKeepingItsSettings()
    {
        await using var host = await SimulatorHost.StartAsync();
        var pbs = Pbs(host, host.NewState());
        await pbs.CreateOpenIdRealmAsync(new PbsOpenIdRealm { Realm = "Other", IssuerUrl = "https://other.example.com", ClientId = "other", Scopes = "email", Default = true }, CancellationToken.None);
        var state = await ThroughRealmAsync(host, makeDefault: true);
        Assert.Equal(["Other|PocketID"], state.ChangedByRun(ResourceKind.PbsDefaultRealm));

        await UndoRealmStepOkAsync(host, state);

        Assert.Equal("Other", DefaultRealm(host));
        var other = host.Pbs.Realms.Single(r => r.Name == "Other").Properties;
        Assert.Equal(("https://other.example.com", "other", "email"), (other["issuer-url"], other["client-id"], other["scopes"]));
    }

    [Fact]
    public async Task Undo_RunSwitchedDefaultOnAnExistingRealm_GivesTheFlagBackAndKeepsTheRealm()
    {
        await using var host = await SimulatorHost.StartAsync();
        var first = await ThroughRealmAsync(host, makeDefault: false);
        WizardSecrets.Wipe(first);

        // A second run finds the realm (not its own) and only turns `default` on.
        var second = await ThroughRealmAsync(host, makeDefault: true);
        Assert.Empty(second.CreatedByRun(ResourceKind.PbsRealm));
        Assert.Equal("PocketID", DefaultRealm(host));

        await UndoRealmStepOkAsync(host, second);

        Assert.Contains(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.Equal("pam", DefaultRealm(host));
    }

    [Fact]
    public async Task Undo_RunClearedDefaultOnAnExistingRealm_MakesThatRealmTheDefaultAgain()
    {
        await using var host = await SimulatorHost.StartAsync();
        var first = await ThroughRealmAsync(host, makeDefault: true);
        WizardSecrets.Wipe(first);

        // A second run unticks "default realm" on the realm it found: PBS then has no default realm (§3.3).
        var second = await ThroughRealmAsync(host, makeDefault: false);
        Assert.Null(DefaultRealm(host));
        Assert.Equal(["PocketID|"], second.ChangedByRun(ResourceKind.PbsDefaultRealm));

        await UndoRealmStepOkAsync(host, second);

        Assert.Equal("PocketID", DefaultRealm(host));
    }

    [Fact]
    public async Task Undo_OnPbs32WithoutTheDefaultFlag_RecordsAndRestoresNothing()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = "3.2.4" });
        var state = await ThroughRealmAsync(host, makeDefault: false);

        await UndoRealmStepOkAsync(host, state);

        Assert.DoesNotContain(state.Journal, e => e.Resource == ResourceKind.PbsDefaultRealm);
        Assert.DoesNotContain(host.Pbs.Realms, r => r.Name == "PocketID");
    }

    [Fact]
    public async Task Undo_CreateSentButNotConfirmed_StillRestoresTheDefault()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host, makeDefault: true);
        // A crash right after sending: only the Pending lines were saved (written before the call).
        state.Journal.RemoveAll(e => e.Outcome == JournalOutcome.Done && e.Resource is ResourceKind.PbsRealm or ResourceKind.PbsDefaultRealm);

        await UndoRealmStepOkAsync(host, state);

        Assert.DoesNotContain(host.Pbs.Realms, r => r.Name == "PocketID");
        Assert.Equal("pam", DefaultRealm(host));
    }
}
