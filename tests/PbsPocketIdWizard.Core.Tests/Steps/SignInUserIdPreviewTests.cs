using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// The realm step's preview of the user id PBS makes at a sign-in, from Pocket ID's claims preview: what PBS would
/// refuse (an invalid name, an id over 64 characters) and who cannot sign in at all (outside the allowed groups).
/// </summary>
public sealed class SignInUserIdPreviewTests
{
    private static async Task<(WizardState State, SignInUserIdPreviewer Previewer, string Scopes)> ClientCreatedAsync(SimulatorHost host, Action<WizardState>? configure = null)
    {
        var state = host.NewState();
        configure?.Invoke(state);
        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        var previewer = host.Engine.GetRequiredService<SignInUserIdPreviewer>();
        return (state, previewer, await previewer.SignInScopesAsync(state, CancellationToken.None));
    }

    private static PocketIdUser User(string id, string username) => new() { Id = id, Username = username };

    [Fact]
    public async Task Preview_ValidUser_IsThePbsUserIdWithoutProblem()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (state, previewer, scopes) = await ClientCreatedAsync(host);

        var preview = await previewer.PreviewAsync(state, User(PocketIdSimulatorState.AliceId, "alice"), scopes, CancellationToken.None);

        Assert.Equal("openid email profile", scopes);
        Assert.Equal("alice@PocketID", preview.PbsUserId);
        Assert.True(preview.IsFine);
    }

    [Fact]
    public async Task Preview_UserNameWithSpaceOrSlash_WarnsThatPbsRefusesTheSignIn()
    {
        await using var host = await SimulatorHost.StartAsync();
        var spaced = host.PocketId.AddUser("backup operator", "ops@example.com");
        var slashed = host.PocketId.AddUser("ops", "ops/backup@example.com");
        var (state, previewer, scopes) = await ClientCreatedAsync(host);

        var byName = await previewer.PreviewAsync(state, User(spaced, "backup operator"), scopes, CancellationToken.None);
        state.Realm.UsernameClaim = "email";
        var byEmail = await previewer.PreviewAsync(state, User(slashed, "ops"), scopes, CancellationToken.None);

        Assert.Contains("'backup operator' cannot be a PBS user name", byName.Problem, StringComparison.Ordinal);
        Assert.Contains("refuses the sign-in", byName.Problem, StringComparison.Ordinal);
        Assert.Contains("'ops/backup@example.com' cannot be a PBS user name", byEmail.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_IdLongerThan64_WarnsThatPermissionsWouldBeRefused()
    {
        await using var host = await SimulatorHost.StartAsync();
        var longName = new string('a', 56); // 56 + "@PocketID" = 65 characters
        var id = host.PocketId.AddUser(longName);
        var (state, previewer, scopes) = await ClientCreatedAsync(host);

        var preview = await previewer.PreviewAsync(state, User(id, longName), scopes, CancellationToken.None);

        Assert.Equal($"{longName}@PocketID", preview.PbsUserId);
        Assert.Contains("65 characters long and PBS allows at most 64", preview.Problem, StringComparison.Ordinal);
        Assert.Contains("refuses every permission", preview.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_UserOutsideAllowedGroups_SaysTheyCannotSignIn()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (state, previewer, scopes) = await ClientCreatedAsync(host, s => s.Client.AllowedGroups = ["pbs-admins"]);

        var all = await previewer.PreviewAllAsync(state,
            [User(PocketIdSimulatorState.AliceId, "alice"), User(PocketIdSimulatorState.BobId, "bob")], scopes, CancellationToken.None);

        Assert.True(all[0].IsFine);
        Assert.Null(all[1].PbsUserId);
        Assert.StartsWith("bob cannot sign in: they are not in any of the OIDC client's allowed groups", all[1].Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("could not preview", all[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_EmailClaimForUserWithoutEmail_SaysTheClaimIsMissing()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (state, previewer, scopes) = await ClientCreatedAsync(host);
        state.Realm.UsernameClaim = "email";

        var preview = await previewer.PreviewAsync(state, User(PocketIdSimulatorState.BobId, "bob"), scopes, CancellationToken.None);

        Assert.Null(preview.PbsUserId);
        Assert.Contains("no e-mail address", preview.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInScopes_ExistingRealmWithScopes_AreTheRealmsScopes()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (state, previewer, _) = await ClientCreatedAsync(host);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        await host.Engine.GetRequiredService<PbsPocketIdWizard.Core.Clients.ApiClientFactory>().CreatePbs(state.Pbs)
            .UpdateOpenIdRealmAsync("PocketID", new() { Scopes = "email" }, CancellationToken.None);

        Assert.Equal("openid email", await previewer.SignInScopesAsync(state, CancellationToken.None));
    }
}
