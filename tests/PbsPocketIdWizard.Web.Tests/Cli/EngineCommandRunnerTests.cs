using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>The command line over fake steps (see <see cref="FakeWorld"/>): arguments, exit codes, output, resume, undo.</summary>
public sealed class EngineCommandRunnerTests : IDisposable
{
    private const string ApiKey = "pid-api-key-J4n9Xr";
    private const string Password = "pbs-password-Vb82Lm";

    private readonly TempDirectory _dir = new();
    private readonly FakeWorld _world = new();
    private readonly string _answers;

    public EngineCommandRunnerTests()
    {
        _answers = Path.Combine(_dir.Path, "answers.json");
        File.WriteAllText(_answers, $$"""
            {
              "pocketId": { "url": "https://id.example.com", "apiKey": "{{ApiKey}}" },
              "pbs": { "url": "https://pbs.example.com:8007", "username": "root@pam", "password": "{{Password}}" },
              "realm": { "name": "PocketID", "default": true },
              "permissions": [ { "user": "alice", "path": "/", "role": "Admin" } ]
            }
            """);
    }

    private string DataDir => Path.Combine(_dir.Path, "data");

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs the executable's command line (verb first) with the fake world behind the engine.</summary>
    private async Task<(int Exit, string Out, string Err)> RunAsync(string[] args, string input = "", bool interactive = false)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, new StringReader(input), interactive, _ => null);
        var runner = new EngineCommandRunner(console, _world.Register) { SignInGracePeriod = TimeSpan.FromMilliseconds(100) };
        var exit = await CliCommandLine.InvokeAsync(
            CliActions.Process with { Engine = command => command(runner, CancellationToken.None) }, args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private Task<(int Exit, string Out, string Err)> ApplyAsync(params string[] extra) =>
        RunAsync(["apply", "--answers", _answers, "--data-dir", DataDir, "--yes", .. extra]);

    [Fact]
    public async Task Apply_WhileAnotherProcessAppliesInTheDataDirectory_ExitsOneWithoutTouchingAnything()
    {
        using var otherApply = new PbsPocketIdWizard.Web.Persistence.WizardDataDirectory(DataDir).TryLockForApply();
        Assert.NotNull(otherApply);

        var (exit, stdout, stderr) = await ApplyAsync();

        Assert.Equal(CliExitCodes.Failed, exit);
        Assert.Contains("Another process is applying a run in", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
        Assert.False(File.Exists(Path.Combine(DataDir, "wizard.db")));
    }

    [Fact]
    public async Task Plan_InvalidAnswers_ExitsTwoListingEveryFieldError()
    {
        File.WriteAllText(_answers, """{ "pocketId": { "url": "nope" }, "pbs": { "url": "https://pbs:8007", "password": "x-1234" }, "realm": { "name": "p" } }""");

        var (exit, stdout, stderr) = await RunAsync(["plan", "--answers", _answers]);

        Assert.Equal(CliExitCodes.InvalidAnswers, exit);
        Assert.Empty(stdout);
        Assert.Contains("4 problem(s)", stderr);
        Assert.Contains("permissions: add at least one", stderr);
        Assert.Contains("pocketId.url:", stderr);
        Assert.Contains("pocketId.apiKey: missing", stderr);
        Assert.Contains("realm.name:", stderr);
    }

    [Fact]
    public async Task Plan_MissingAnswersOption_ExitsTwo()
    {
        var (exit, _, stderr) = await RunAsync(["plan", "--jsn"]);

        Assert.Equal(CliExitCodes.InvalidAnswers, exit);
        Assert.Contains("--jsn: unknown option", stderr);
        Assert.Contains("Option '--answers' is required", stderr);
    }

    [Fact]
    public async Task Plan_Json_PrintsOnlyTheChangesObjectOnStdout()
    {
        var (exit, stdout, _) = await RunAsync(["plan", "--answers", _answers, "--json"]);

        Assert.Equal(CliExitCodes.Done, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(["changes"], root.EnumerateObject().Select(p => p.Name));
        var changes = root.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.Equal(["kind", "resource", "description"], c.EnumerateObject().Select(p => p.Name)));
        Assert.All(changes, c => Assert.Equal("Create", c.GetProperty("kind").GetString()));
        Assert.Equal("/|alice@PocketID|Admin", changes[2].GetProperty("description").GetString());
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task Plan_Table_ShowsStepKindResourceAndTotals()
    {
        var (exit, stdout, _) = await RunAsync(["plan", "--answers", _answers]);

        Assert.Equal(CliExitCodes.Done, exit);
        Assert.Contains("STEP", stdout);
        Assert.Matches(@"OIDC client\s+Create\s+Pocket ID OIDC client\s+Proxmox Backup Server", stdout);
        Assert.Contains("3 to create, 0 to update, 0 unchanged.", stdout);
    }

    [Fact]
    public async Task Plan_ServerDown_ExitsOneNamingServerAndAdvice()
    {
        _world.PbsDown = true;

        var (exit, _, stderr) = await RunAsync(["plan", "--answers", _answers, "--json"]);

        Assert.Equal(CliExitCodes.Failed, exit);
        Assert.Contains("PBS connection failed: PBS connection: Proxmox Backup Server could not be reached: connection refused", stderr);
        Assert.Contains("Check the address of Proxmox Backup Server", stderr);
    }

    [Fact]
    public async Task Apply_FullFlow_PausesForSignInGrantsThenSecondApplyChangesNothingAndUndoRemovesAll()
    {
        _world.SignInDuringWatch.Add("alice");

        var first = await ApplyAsync("--wait-timeout", "30");

        Assert.Equal(CliExitCodes.Done, first.Exit);
        Assert.Contains("open https://pbs.example.com:8007, choose realm PocketID, click \"Login (OpenID redirect)\", sign in as alice in Pocket ID", first.Out);
        Assert.Contains("new user: alice@PocketID (alice@example.com)", first.Out);
        Assert.Contains("+ Create: Pocket ID OIDC client — Proxmox Backup Server", first.Out);
        Assert.Contains("done: create PBS permission: Admin on / for alice@PocketID", first.Out);
        Assert.DoesNotContain("PbsAcl", first.Out);
        Assert.Contains("Done: 3 created, 0 updated.", first.Out);
        Assert.True(first.Out.IndexOf("new user: alice", StringComparison.Ordinal) < first.Out.IndexOf("create PBS permission", StringComparison.Ordinal));
        Assert.Equal(["/|alice@PocketID|Admin"], _world.Acls);

        var second = await ApplyAsync();
        Assert.Equal(CliExitCodes.Done, second.Exit);
        Assert.Contains("No change: everything was already in place.", second.Out);
        Assert.DoesNotContain("Waiting for the first sign-in", second.Out);
        Assert.Contains("already in PBS: alice@PocketID", second.Out);
        Assert.Equal(1, _world.ClientCreates);
        Assert.Single(_world.Clients);

        var plan = await RunAsync(["plan", "--answers", _answers, "--json"]);
        using (var doc = JsonDocument.Parse(plan.Out))
        {
            Assert.All(doc.RootElement.GetProperty("changes").EnumerateArray(), c => Assert.Equal("NoChange", c.GetProperty("kind").GetString()));
        }

        var status = await RunAsync(["status", "--data-dir", DataDir]);
        Assert.Equal(CliExitCodes.Done, status.Exit);
        Assert.Contains("(completed)", status.Out);
        Assert.Contains("Earlier runs: 1", status.Out);

        var undo = await RunAsync(["undo", "--answers", _answers, "--data-dir", DataDir, "--yes"]);
        Assert.Equal(CliExitCodes.Done, undo.Exit);
        Assert.Contains("Everything this run created was removed.", undo.Out);
        Assert.Empty(_world.Clients);
        Assert.Empty(_world.Realms);
        Assert.Empty(_world.Acls);
        Assert.Contains("PBS permission: Admin on / for alice@PocketID", undo.Out);
        // The fake Pocket ID names its client by its name: said once.
        Assert.Contains("Pocket ID OIDC client Proxmox Backup Server", undo.Out);

        // The newest run (the no-change one) is not what undo acted on; status must still say first that it is gone.
        var afterUndo = await RunAsync(["status", "--data-dir", DataDir]);
        var lines = afterUndo.Out.Split('\n');
        Assert.True(lines[0].StartsWith("The setup was undone at ", StringComparison.Ordinal), afterUndo.Out);
        Assert.Contains("- PBS permission: Admin on / for alice@PocketID", afterUndo.Out);
        Assert.Contains("- PBS OpenID realm PocketID", afterUndo.Out);
        Assert.Contains("- Pocket ID OIDC client Proxmox Backup Server", afterUndo.Out);
        Assert.Contains("(completed, its setup undone since)", afterUndo.Out);
        Assert.DoesNotContain("PbsAcl", afterUndo.Out);

        var everything = first.Out + first.Err + second.Out + second.Err + plan.Out + plan.Err + status.Out + status.Err + undo.Out + undo.Err;
        foreach (var secret in new[] { ApiKey, Password, FakeWorld.GeneratedClientSecret })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(_dir.FilesContaining(secret), f => !f.EndsWith("answers.json", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Apply_SlowFirstListingWithUserLeftOverInPbs_CallsThatUserAlreadyInPbs()
    {
        // carol was in PBS before the run; the first listing takes longer than the grace period before the instructions.
        _world.Users.Add("carol@PocketID");
        _world.FirstPollDelay = TimeSpan.FromMilliseconds(400);
        _world.SignInDuringWatch.Add("alice");

        var (exit, stdout, _) = await ApplyAsync("--wait-timeout", "30");

        Assert.Equal(CliExitCodes.Done, exit);
        Assert.Contains("Waiting for the first sign-in", stdout);
        Assert.Contains("already in PBS: carol@PocketID", stdout);
        Assert.DoesNotContain("new user: carol", stdout);
        Assert.Contains("new user: alice@PocketID", stdout);
    }

    [Fact]
    public async Task Apply_NobodySignsIn_ExitsFourKeepsRunAndRerunResumes()
    {
        var timedOut = await ApplyAsync("--wait-timeout", "0.3");

        Assert.Equal(CliExitCodes.TimedOut, timedOut.Exit);
        Assert.Contains("Timed out", timedOut.Err);
        Assert.Contains("alice@PocketID", timedOut.Err);
        Assert.Single(_world.Clients);
        Assert.Empty(_world.Acls);

        var status = await RunAsync(["status", "--data-dir", DataDir]);
        Assert.Contains("(active)", status.Out);
        Assert.Matches(@"First sign-in\s+\S+ <- current", status.Out);

        _world.SignInDuringWatch.Add("alice");
        var resumed = await ApplyAsync("--wait-timeout", "30");

        Assert.Equal(CliExitCodes.Done, resumed.Exit);
        Assert.Contains("Resuming run", resumed.Out);
        // What the first attempt did is listed under the resume header, before the steps, in plain words.
        var header = resumed.Out.IndexOf("Resuming run", StringComparison.Ordinal);
        var firstStep = resumed.Out.IndexOf("[1/", StringComparison.Ordinal);
        var earlierCreate = resumed.Out.IndexOf("done: create Pocket ID OIDC client", StringComparison.Ordinal);
        Assert.Contains(", which already did:", resumed.Out);
        Assert.True(header < earlierCreate && earlierCreate < firstStep, resumed.Out);
        Assert.DoesNotContain("verified", resumed.Out[..firstStep]);
        Assert.Equal(1, _world.ClientCreates);
        Assert.Equal(["/|alice@PocketID|Admin"], _world.Acls);
    }

    [Fact]
    public async Task Apply_ServerDown_ExitsOneAndKeepsRun()
    {
        _world.PbsDown = true;

        var (exit, stdout, stderr) = await ApplyAsync();

        Assert.Equal(CliExitCodes.Failed, exit);
        Assert.Contains("Proxmox Backup Server could not be reached", stderr);
        Assert.Contains("run apply again to resume", stdout);
        Assert.Empty(_world.Clients);
    }

    [Fact]
    public async Task Apply_InteractiveDeclined_ChangesNothing()
    {
        var (exit, stdout, stderr) = await RunAsync(
            ["apply", "--answers", _answers, "--data-dir", DataDir], input: "n\n", interactive: true);

        Assert.Equal(CliExitCodes.Done, exit);
        Assert.Contains("3 to create", stdout);
        Assert.Contains("Apply these changes", stderr);
        Assert.Contains("Nothing was changed.", stdout);
        Assert.Empty(_world.Clients);
    }

    [Fact]
    public async Task Apply_InteractiveTotpChallenge_PromptsOnceAndContinues()
    {
        _world.RequiredTotp = "654321";
        _world.SignInDuringWatch.Add("alice");

        var (exit, _, stderr) = await RunAsync(
            ["apply", "--answers", _answers, "--data-dir", DataDir, "--yes"], input: "654321\n", interactive: true);

        Assert.Equal(CliExitCodes.Done, exit);
        Assert.Contains("TOTP code or recovery key for root@pam", stderr);
    }

    [Fact]
    public async Task Apply_TotpOption_IsUsedWithoutPrompt()
    {
        _world.RequiredTotp = "111222";
        _world.SignInDuringWatch.Add("alice");

        var (exit, _, stderr) = await ApplyAsync("--totp", "111222");

        Assert.Equal(CliExitCodes.Done, exit);
        Assert.DoesNotContain("TOTP code for", stderr);
    }

    [Fact]
    public async Task StatusAndUndo_RunThatOnlyMovedTheDefaultRealm_ShowTheMoveAndOfferToUndoIt()
    {
        // A run that created nothing but switched `default` onto an existing realm (pbs-api.md §3.3).
        var run = new WizardState { StartedAt = DateTimeOffset.UnixEpoch, Completed = true };
        run.Realm.Name = "PocketID";
        run.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.PbsRealm, "update", ResourceKind.PbsDefaultRealm, "pam|PocketID", JournalOutcome.Done));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWizardPersistence(DataDir);
        await using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<IWizardStateStore>().SaveAsync(run, CancellationToken.None);
        }

        var status = await RunAsync(["status", "--data-dir", DataDir]);
        var undo = await RunAsync(["undo", "--answers", _answers, "--data-dir", DataDir]);

        Assert.Contains("Default realm moved: pam → PocketID (undo makes pam the default again)", status.Out);
        Assert.DoesNotContain("Nothing to undo", undo.Out);
        Assert.Contains("pam becomes the default realm again", undo.Out);
        Assert.Equal(CliExitCodes.InvalidAnswers, undo.Exit);
    }

    [Fact]
    public async Task Undo_NotATerminalWithoutYes_RefusesWithExitTwo()
    {
        _world.SignInDuringWatch.Add("alice");
        Assert.Equal(CliExitCodes.Done, (await ApplyAsync()).Exit);

        var (exit, _, stderr) = await RunAsync(["undo", "--answers", _answers, "--data-dir", DataDir]);

        Assert.Equal(CliExitCodes.InvalidAnswers, exit);
        Assert.Contains("--yes", stderr);
        Assert.Single(_world.Clients);
    }

    [Fact]
    public async Task Status_NoDataDirectory_SaysNoRunsWithoutCreatingIt()
    {
        var (exit, stdout, _) = await RunAsync(["status", "--data-dir", DataDir]);

        Assert.Equal(CliExitCodes.Done, exit);
        Assert.Contains("No runs yet", stdout);
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public async Task Export_AfterApply_PrintsCommandsWithRunResultsAndNoSecrets()
    {
        _world.SignInDuringWatch.Add("alice");
        Assert.Equal(CliExitCodes.Done, (await ApplyAsync()).Exit);

        var cli = await RunAsync(["export", "--answers", _answers, "--data-dir", DataDir, "--format", "cli"]);
        var json = await RunAsync(["export", "--answers", _answers, "--data-dir", DataDir, "--format", "json"]);

        Assert.Equal(CliExitCodes.Done, cli.Exit);
        Assert.Contains("proxmox-backup-manager openid create PocketID --issuer-url https://id.example.com --client-id client-1 --client-key '<client-secret>'", cli.Out);
        Assert.Contains("proxmox-backup-manager acl update / Admin --auth-id alice@PocketID", cli.Out);
        Assert.Contains("\"X-API-Key: $POCKET_ID_API_KEY\"", cli.Out);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("client-1", doc.RootElement.GetProperty("results").GetProperty("clientId").GetString());
        Assert.NotEmpty(doc.RootElement.GetProperty("journal").EnumerateArray());
        foreach (var secret in new[] { ApiKey, Password, FakeWorld.GeneratedClientSecret })
        {
            Assert.DoesNotContain(secret, cli.Out + json.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Export_BadFormat_ExitsTwo()
    {
        var (exit, _, stderr) = await RunAsync(["export", "--answers", _answers, "--format", "yaml"]);

        Assert.Equal(CliExitCodes.InvalidAnswers, exit);
        Assert.Contains("--format: must be cli or json", stderr);
    }
}
