using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>What the real servers' source says the wizard must send (issue 9): version gates, PKCE, groups by id.</summary>
public sealed class RealServerStepTests
{
    [Theory]
    [InlineData("3.2.4")]
    [InlineData("3.3.3")]
    public async Task PbsRealm_DefaultAskedOnPbsBefore337_PlanSaysTheFlagIsMissingAndNoneIsSent(string version)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = version });
        var state = await host.ConnectedStateAsync();
        state.Realm.Default = true;
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        var plan = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        var note = Assert.Single(plan!.Changes, c => c.Resource == "PBS default realm");
        Assert.Equal(ChangeKind.NoChange, note.Kind);
        Assert.Contains("3.3.7", note.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("default realm", Assert.Single(plan.Changes, c => c.Resource == "PBS OpenID realm").Description, StringComparison.Ordinal);
        Assert.False(host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties.ContainsKey("default"));
        Assert.DoesNotContain(host.Pbs.Requests.Snapshot(), r => r.Path.EndsWith("/config/access/pam", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateBuiltinRealm_On423_ReadsTheDigestBeforeThePut()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        var pbs = host.Engine.GetRequiredService<PbsPocketIdWizard.Core.Clients.ApiClientFactory>().CreatePbs(state.Pbs);

        await pbs.UpdateBuiltinRealmAsync("pbs", new PbsBuiltinRealmUpdate { Default = true }, CancellationToken.None);

        var calls = host.Pbs.Requests.Snapshot().Where(r => r.Path.EndsWith("/config/access/pbs", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Status}").ToList();
        Assert.Equal(["GET 200", "PUT 200"], calls);
        Assert.Equal("true", host.Pbs.Realms.Single(r => r.Name == "pbs").Properties["default"]);
    }

    [Fact]
    public async Task OidcClient_Create_EnablesPkceAndAnUpdateKeepsIt()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        Assert.True(Assert.Single(host.PocketId.Clients).PkceEnabled);

        // A full-replace PUT (a callback added) must not reset the flag.
        state.Client.ExtraCallbackUrls = ["https://pbs.example.com"];
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        var client = Assert.Single(host.PocketId.Clients);
        Assert.Contains("https://pbs.example.com", client.CallbackUrls ?? []);
        Assert.True(client.PkceEnabled);
    }

    [Fact]
    public async Task OidcClient_GroupTypedByFriendlyName_IsRestrictedByIdAndVerifies()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Client.AllowedGroups = ["PBS Admins"];

        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        var verified = await host.Step<OidcClientStep>().VerifyAsync(state, CancellationToken.None);

        Assert.True(verified.Succeeded, verified.Message);
        Assert.Equal([PbsPocketIdWizard.Simulators.PocketId.PocketIdSimulatorState.PbsAdminsGroupId], Assert.Single(host.PocketId.Clients).AllowedGroupIds);
    }
}
