using System.Text.Json;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// A setup made by hand from the community how-to, stuck (callback without the port, issuer with a trailing slash):
/// the command line adopts the client and realm in place, repairs them, and refuses conflicts before any write.
/// </summary>
public sealed class CliAdoptRepairTests : IAsyncLifetime
{
    private SimulatorCli _cli = null!;

    public async Task InitializeAsync() => _cli = await SimulatorCli.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    private SimulatorServers Sims => _cli.Sims;

    private static List<(string? Kind, string? Resource, string? Description)> Changes(string planJson)
    {
        using var doc = JsonDocument.Parse(planJson);
        return doc.RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("kind").GetString(), c.GetProperty("resource").GetString(), c.GetProperty("description").GetString())).ToList();
    }

    private string ServersSnapshot() => JsonSerializer.Serialize(new
    {
        clients = Sims.PocketIdState.Clients,
        realms = Sims.PbsState.Realms,
        acls = Sims.PbsState.Acls,
        users = Sims.PbsState.Users,
    });

    [Fact]
    public async Task PlanApplyUndo_HowToStuckState_AdoptsTheSameClientRepairsInPlaceAndSignInWorks()
    {
        var made = await HowToSetup.MakeAsync(Sims, new HowToSetupOptions(), CancellationToken.None);
        var stuck = await _cli.SignInAsync();
        Assert.False(stuck.Succeeded, "the how-to's setup must be stuck before the repair");

        var doctor = await _cli.RunWithAnswersAsync("doctor");
        Assert.True(doctor.Exit == CliExitCodes.Findings, doctor.Out + doctor.Err);
        Assert.Contains($"callback {made.CallbackUrl} → {Sims.PbsOrigin}", doctor.Out);
        Assert.Contains("trailing slash", doctor.Out);

        var plan = await _cli.RunWithAnswersAsync("plan", "--json");
        Assert.True(plan.Exit == CliExitCodes.Done, plan.Err);
        var changes = Changes(plan.Out);
        Assert.Contains(changes, c => c is { Kind: "Update", Resource: "Pocket ID OIDC client" } && c.Description!.Contains($"({made.ClientId}): adopt", StringComparison.Ordinal)
            && c.Description.Contains($"callback {made.CallbackUrl} → {Sims.PbsOrigin}", StringComparison.Ordinal));
        Assert.Contains(changes, c => c is { Kind: "Update", Resource: "PBS OpenID realm" } && c.Description!.Contains($"issuer ({made.IssuerUrl} → {Sims.PocketIdIssuer}", StringComparison.Ordinal));
        Assert.DoesNotContain(changes, c => c.Kind == "Create" && c.Resource is "Pocket ID OIDC client" or "Pocket ID client secret" or "PBS OpenID realm");
        Assert.Contains(changes, c => c is { Kind: "NoChange", Resource: "Pocket ID client secret" });

        var (apply, signIn) = await _cli.ApplyWithSignInAsync();
        Assert.True(apply.Exit == CliExitCodes.Done, apply.Out + apply.Err);
        Assert.True(signIn?.Succeeded, $"sign-in: {signIn?.Stage} {signIn?.Status} {signIn?.Error}");
        var client = Assert.Single(Sims.PocketIdState.Clients, c => c.Name == "Proxmox Backup Server");
        Assert.Equal(made.ClientId, client.Id);
        Assert.Equal([Sims.PbsOrigin], client.CallbackUrls);
        Assert.True(client.PkceEnabled);
        Assert.Single(client.Secrets);
        var realm = Sims.PbsState.Realms.Single(r => r.Name == "PocketID").Properties;
        Assert.Equal(Sims.PocketIdIssuer, realm["issuer-url"]);
        Assert.Equal(made.ClientId, realm["client-id"]);
        Assert.Equal("openid profile email groups", realm["scopes"]);
        Assert.Contains(Sims.PbsState.Acls, a => a is { Path: "/", AuthId: "alice@PocketID", Role: "Admin" });

        var healthy = await _cli.RunWithAnswersAsync("doctor");
        Assert.True(healthy.Exit == CliExitCodes.Done, healthy.Out + healthy.Err);

        var undo = await _cli.RunWithAnswersAsync("undo", "--data-dir", _cli.DataDir, "--yes");
        Assert.True(undo.Exit == CliExitCodes.Done, undo.Out + undo.Err);
        // Adopted: put back as it was, never deleted; the user PBS created is kept.
        var restored = Assert.Single(Sims.PocketIdState.Clients);
        Assert.Equal(made.ClientId, restored.Id);
        Assert.Equal([made.CallbackUrl], restored.CallbackUrls);
        Assert.False(restored.PkceEnabled);
        Assert.Equal(made.IssuerUrl, Sims.PbsState.Realms.Single(r => r.Name == "PocketID").Properties["issuer-url"]);
        Assert.Contains(Sims.PbsState.Users, u => u.UserId == "alice@PocketID");
        Assert.DoesNotContain(Sims.PbsState.Acls, a => a.AuthId == "alice@PocketID");
    }

    [Fact]
    public async Task PlanApply_ExistingRealmWithOtherUsernameClaim_NamesTheConflictExitsTwoAndChangesNeitherServer()
    {
        await HowToSetup.MakeAsync(Sims, new HowToSetupOptions { UsernameClaim = "email" }, CancellationToken.None);
        var before = ServersSnapshot();

        var plan = await _cli.RunWithAnswersAsync("plan");
        Assert.True(plan.Exit == CliExitCodes.Conflict, plan.Out + plan.Err);
        Assert.Contains("already exists with username claim 'email'", plan.Err);
        Assert.Contains("choose the username claim 'email'", plan.Err);
        Assert.Contains("choose another realm name", plan.Err);
        Assert.Contains("In the answers file, this is realm.usernameClaim.", plan.Err);

        var apply = await _cli.ApplyAsync(10);
        Assert.True(apply.Exit == CliExitCodes.Conflict, apply.Out + apply.Err);
        Assert.Contains("Nothing was changed on Pocket ID or PBS.", apply.Out);
        Assert.Equal(before, ServersSnapshot());
        foreach (var text in new[] { plan.Out, plan.Err, apply.Out, apply.Err })
        {
            Assert.DoesNotMatch(@"\.md\b|§", text);
        }
    }

    [Fact]
    public async Task PlanApply_TwoHandMadeClientsAndNoRealm_ListsThemThenAdoptsTheOneChosenInTheAnswers()
    {
        var first = await HowToSetup.MakeAsync(Sims, new HowToSetupOptions { WithRealm = false }, CancellationToken.None);
        var second = await HowToSetup.MakeAsync(Sims, new HowToSetupOptions { WithRealm = false }, CancellationToken.None);

        var ambiguous = await _cli.RunWithAnswersAsync("plan");
        Assert.True(ambiguous.Exit == CliExitCodes.Conflict, ambiguous.Out + ambiguous.Err);
        Assert.Contains(first.ClientId, ambiguous.Err);
        Assert.Contains(second.ClientId, ambiguous.Err);
        Assert.Contains("In the answers file, this is client.id.", ambiguous.Err);

        await _cli.WriteAnswersAsync("username", second.ClientId);
        var plan = await _cli.RunWithAnswersAsync("plan", "--json");
        Assert.True(plan.Exit == CliExitCodes.Done, plan.Err);
        var changes = Changes(plan.Out);
        Assert.Contains(changes, c => c is { Kind: "Update", Resource: "Pocket ID OIDC client" } && c.Description!.Contains($"({second.ClientId}): adopt", StringComparison.Ordinal));
        Assert.DoesNotContain(changes, c => c is { Kind: "Create", Resource: "Pocket ID OIDC client" });
        Assert.Equal(2, Sims.PocketIdState.Clients.Count);
    }
}
