using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>What the plan lines say on a fresh setup, before the earlier steps ran (the whole-run preview).</summary>
public sealed class PlanTextTests
{
    [Fact]
    public async Task PbsRealmPlan_ClientNotCreatedYet_NamesTheClientCreatedAboveInsteadOfAnEmptyId()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();

        var plan = await host.Step<PbsRealmStep>().PlanAsync(state, CancellationToken.None);

        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeKind.Create, change.Kind);
        Assert.Contains("client (the one created above), username claim username", change.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("client ,", change.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PbsRealmPlan_ClientKnown_NamesItsId()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        var plan = await host.Step<PbsRealmStep>().PlanAsync(state, CancellationToken.None);

        Assert.Contains($"client {state.Results.ClientId}, username claim", Assert.Single(plan.Changes).Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstSignInPlan_UserPbsWillAutocreate_IsACreate()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.FirstSignIn.SelectedUsers = ["alice@PocketID"];

        var plan = await host.Step<FirstSignInStep>().PlanAsync(state, CancellationToken.None);

        var change = Assert.Single(plan.Changes);
        Assert.Equal((ChangeKind.Create, "PBS user", "alice@PocketID — PBS creates it at the first sign-in (autocreate)"), (change.Kind, change.Resource, change.Description));
    }

    [Fact]
    public async Task FirstSignInPlan_UserAlreadyInPbs_IsNoChange()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        host.Pbs.AddUser("alice@PocketID");
        state.FirstSignIn.SelectedUsers = ["alice@PocketID"];

        var plan = await host.Step<FirstSignInStep>().PlanAsync(state, CancellationToken.None);

        var change = Assert.Single(plan.Changes);
        Assert.Equal((ChangeKind.NoChange, "alice@PocketID signed in"), (change.Kind, change.Description));
    }

    [Fact]
    public async Task FirstSignInPlan_RealmWithoutAutocreate_SaysToPreCreateAndPlansNoCreate()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Realm.Autocreate = false;
        state.FirstSignIn.SelectedUsers = ["alice@PocketID"];

        var plan = await host.Step<FirstSignInStep>().PlanAsync(state, CancellationToken.None);

        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeKind.NoChange, change.Kind);
        Assert.Contains("pre-create it", change.Description, StringComparison.Ordinal);
    }
}
