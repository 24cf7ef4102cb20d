using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>All steps with the real clients against both simulators.</summary>
public sealed class WizardRunTests
{
    [Fact]
    public async Task AllSteps_HappyPath_ConnectPbsToPocketIdAndGrantTheSignedInUser()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();

        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        var signedIn = await host.SignInThroughPbsAsync(state.Realm.Name);
        Assert.Equal("alice@PocketID", signedIn);

        state.FirstSignIn.SelectedUsers = [signedIn];
        await host.RunStepOkAsync(host.Step<FirstSignInStep>(), state);
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/", Role = "Admin" }];
        await host.RunStepOkAsync(host.Step<PermissionsStep>(), state);
        await host.RunStepOkAsync(host.Step<SummaryStep>(), state);

        Assert.Equal("https://id.example.com", state.Results.Issuer);
        Assert.All(state.Results.Verification, v => Assert.True(v.Passed, $"{v.Check}: {v.Detail}"));
        var client = Assert.Single(host.PocketId.Clients);
        Assert.Equal(["https://pbs.example.com:8007"], client.CallbackUrls);
        var realm = Assert.Single(host.Pbs.Realms, r => r.Type == "openid");
        Assert.Equal("https://id.example.com", realm.Properties["issuer-url"]);
        Assert.Equal(client.Id, realm.Properties["client-id"]);
        Assert.Contains(host.Pbs.Acls, a => a.Path == "/" && a.AuthId == "alice@PocketID" && a.Role == "Admin");
    }

    [Theory]
    [InlineData("2.14.0", "4.2.3")]
    [InlineData("2.13.0", "4.2.3")]
    [InlineData("2.12.0", "3.4.1")]
    [InlineData("2.14.0", "3.3.3")]
    [InlineData("2.13.0", "3.3.3")]
    [InlineData("2.2.0", "3.2.4")]
    public async Task AllSteps_AcrossServerVersions_EndWithAWorkingSignIn(string pocketIdVersion, string pbsVersion)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PocketIdVersion = pocketIdVersion, PbsVersion = pbsVersion });
        var state = host.NewState();
        state.Client.AllowedGroups = ["pbs-admins"];
        state.FirstSignIn.PreCreateUsers = ["alice"];
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/datastore/store1", Role = "DatastoreAdmin" }];

        foreach (var step in host.Steps)
        {
            await host.RunStepOkAsync(step, state);
        }

        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
        Assert.Single(host.PocketId.Clients);
        Assert.Equal(Version.Parse(pbsVersion) >= new Version(3, 3, 7), state.Results.PbsSupportsDefaultRealm);
    }
}
