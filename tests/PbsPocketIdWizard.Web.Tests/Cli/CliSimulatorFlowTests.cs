using System.Text.Json;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// The command line against both simulators on loopback (real HTTP, PBS over pinned TLS), with a real sign-in round
/// trip as alice during apply's pause: plan, apply, apply again, plan, status, undo, and the secrets nowhere.
/// </summary>
public sealed class CliSimulatorFlowTests : IAsyncLifetime
{
    private SimulatorCli _cli = null!;

    private SimulatorServers Sims => _cli.Sims;

    private string Answers => _cli.AnswersPath;

    private string DataDir => _cli.DataDir;

    private TempDirectory Dir => _cli.Directory;

    public async Task InitializeAsync() => _cli = await SimulatorCli.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    private static Task<(int Exit, string Out, string Err)> RunAsync(string[] args) => SimulatorCli.RunAsync(args);

    private Task<(int Exit, string Out, string Err)> ApplyAsync(int waitSeconds) => _cli.ApplyAsync(waitSeconds);

    private Task<((int Exit, string Out, string Err) Apply, SignInResult? SignIn)> ApplyWithSignInAsync() => _cli.ApplyWithSignInAsync();

    [Fact]
    public async Task Cli_FullFlowAgainstSimulators_PlanApplyWithSignInReapplyUndoAndNoSecretsAnywhere()
    {
        var plan = await RunAsync(["plan", "--answers", Answers, "--json"]);
        Assert.True(plan.Exit == CliExitCodes.Done, plan.Err);
        using (var doc = JsonDocument.Parse(plan.Out))
        {
            var changes = doc.RootElement.GetProperty("changes").EnumerateArray()
                .Select(c => (Kind: c.GetProperty("kind").GetString(), Resource: c.GetProperty("resource").GetString(), Description: c.GetProperty("description").GetString())).ToList();
            Assert.Contains(changes, c => c.Kind == "Create");
            // Permissions is planned line by line before its realm exists, not as one generic line.
            Assert.Contains(changes, c => c is { Kind: "Update", Resource: "PBS realm scopes" });
            Assert.Contains(changes, c => c is { Kind: "Create", Resource: "PBS permission", Description: "Admin on / for alice@PocketID (once alice@PocketID exists: first sign-in or pre-created)" });
            Assert.DoesNotContain(changes, c => c.Resource == "Permissions");
            // The realm's client is the one the OIDC client step creates; alice is created by PBS at her first sign-in.
            Assert.Contains(changes, c => c is { Kind: "Create", Resource: "PBS OpenID realm" } && c.Description!.Contains(", client (the one created above), username claim username", StringComparison.Ordinal));
            Assert.Contains(changes, c => c is { Kind: "Create", Resource: "PBS user", Description: "alice@PocketID — PBS creates it at the first sign-in (autocreate)" });
        }

        var table = await RunAsync(["plan", "--answers", Answers]);
        Assert.Contains("client (the one created above)", table.Out);
        Assert.DoesNotContain("client ,", table.Out);
        Assert.DoesNotContain("not found in PBS yet", table.Out);
        Assert.Equal("true", Sims.PbsState.Realms.Single(r => r.Name == "pam").Properties.GetValueOrDefault("default"));

        var (first, signIn) = await ApplyWithSignInAsync();
        Assert.True(first.Exit == CliExitCodes.Done, first.Out + first.Err);
        Assert.True(signIn?.Succeeded, $"sign-in: {signIn?.Stage} {signIn?.Status} {signIn?.Error}");
        Assert.False(Sims.PbsState.Realms.Single(r => r.Name == "pam").Properties.ContainsKey("default"));
        Assert.Contains("choose realm PocketID, click \"Login (OpenID redirect)\", sign in as alice", first.Out);
        Assert.Contains("new user: alice@PocketID (alice@example.com)", first.Out);
        Assert.True(first.Out.IndexOf("new user: alice", StringComparison.Ordinal) < first.Out.IndexOf("PBS permission", StringComparison.Ordinal));
        Assert.Contains(Sims.PbsState.Acls, a => a is { Path: "/", AuthId: "alice@PocketID", Role: "Admin" });
        var clientSecret = Sims.PbsState.Realms.Single(r => r.Name == "PocketID").Properties["client-key"];
        var firstSecretId = Assert.Single(Assert.Single(Sims.PocketIdState.Clients).Secrets).Id;

        // A new run after the completed one (its secret wiped) finds the key in PBS's realm (pbs-api.md §3.2): no change at all.
        var second = await ApplyAsync(30);
        Assert.True(second.Exit == CliExitCodes.Done, second.Out + second.Err);
        Assert.Contains("New run", second.Out);
        Assert.Contains("= NoChange: Pocket ID OIDC client", second.Out);
        Assert.Contains("= NoChange: Pocket ID client secret — already in the PBS realm 'PocketID'", second.Out);
        Assert.Contains("= NoChange: PBS OpenID realm", second.Out);
        Assert.Contains("already in PBS: alice@PocketID", second.Out);
        Assert.Contains("= NoChange: PBS permission — alice@PocketID already has Admin on /", second.Out);
        Assert.Contains("No change: everything was already in place.", second.Out);
        Assert.DoesNotContain("+ Create:", second.Out);
        Assert.DoesNotContain("~ Update:", second.Out);
        var client = Assert.Single(Sims.PocketIdState.Clients);
        Assert.Equal(firstSecretId, Assert.Single(client.Secrets).Id);
        Assert.Single(Sims.PbsState.Realms, r => r.Name == "PocketID");
        Assert.Equal(clientSecret, Sims.PbsState.Realms.Single(r => r.Name == "PocketID").Properties["client-key"]);
        Assert.Single(Sims.PbsState.Acls, a => a.AuthId == "alice@PocketID");

        var replan = await RunAsync(["plan", "--answers", Answers, "--json"]);
        Assert.True(replan.Exit == CliExitCodes.Done, replan.Err);
        using (var doc = JsonDocument.Parse(replan.Out))
        {
            var changes = doc.RootElement.GetProperty("changes").EnumerateArray().ToList();
            Assert.All(changes, c => Assert.True(c.GetProperty("kind").GetString() == "NoChange", c.ToString()));
            Assert.Contains(changes, c => c.GetProperty("resource").GetString() == "Pocket ID client secret");
            Assert.Contains(changes, c => c.GetProperty("resource").GetString() == "PBS OpenID realm");
            Assert.Contains(changes, c => c.GetProperty("resource").GetString() == "PBS permission");
        }

        Assert.Single(Assert.Single(Sims.PocketIdState.Clients).Secrets);

        var status = await RunAsync(["status", "--data-dir", DataDir]);
        Assert.Contains("completed", status.Out);

        var undo = await RunAsync(["undo", "--answers", Answers, "--data-dir", DataDir, "--yes"]);
        Assert.True(undo.Exit == CliExitCodes.Done, undo.Out + undo.Err);
        Assert.DoesNotContain(Sims.PbsState.Realms, r => r.Name == "PocketID");
        Assert.DoesNotContain(Sims.PbsState.Acls, a => a.AuthId == "alice@PocketID");
        Assert.Empty(Sims.PocketIdState.Clients);
        // The realm took `default` from pam (pbs-api.md §3.3); undo gives it back.
        Assert.Contains("PBS default realm: pam becomes the default realm again", undo.Out);
        Assert.Matches(@"Pocket ID OIDC client pbs-[0-9a-f]+ \('Proxmox Backup Server'\)", undo.Out);
        Assert.Contains("PBS permission: Admin on / for alice@PocketID", undo.Out);
        Assert.Equal("true", Sims.PbsState.Realms.Single(r => r.Name == "pam").Properties.GetValueOrDefault("default"));

        var output = string.Concat(plan.Out, plan.Err, table.Out, table.Err, first.Out, first.Err, second.Out, second.Err, replan.Out, replan.Err, status.Out, status.Err, undo.Out, undo.Err);
        foreach (var secret in new[] { Sims.PbsRootPassword, Sims.PocketIdApiKey, clientSecret })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Dir.FilesContaining(secret), f => !f.EndsWith("answers.json", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Apply_NobodySignsInBeforeTimeout_ExitsFourThenRerunResumesAndFinishes()
    {
        var timedOut = await ApplyAsync(3);
        Assert.True(timedOut.Exit == CliExitCodes.TimedOut, timedOut.Out + timedOut.Err);
        Assert.Contains("Timed out", timedOut.Err);
        Assert.Single(Sims.PocketIdState.Clients);

        var (resumed, signIn) = await ApplyWithSignInAsync();

        Assert.True(resumed.Exit == CliExitCodes.Done, resumed.Out + resumed.Err);
        Assert.True(signIn?.Succeeded, $"sign-in: {signIn?.Stage} {signIn?.Status} {signIn?.Error}");
        Assert.Contains("Resuming run", resumed.Out);
        Assert.Contains("= NoChange: Pocket ID client secret — already created by this run", resumed.Out);
        Assert.Contains("new user: alice@PocketID", resumed.Out);
        Assert.Single(Sims.PocketIdState.Clients);
        Assert.Contains(Sims.PbsState.Acls, a => a is { Path: "/", AuthId: "alice@PocketID", Role: "Admin" });
    }
}
