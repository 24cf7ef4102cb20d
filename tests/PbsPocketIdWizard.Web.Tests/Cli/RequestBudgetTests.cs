using System.Diagnostics;
using System.Text.RegularExpressions;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Tests.Support;
using Xunit.Abstractions;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>
/// Issue 12, "half the requests": the command line's plan → apply (with a real sign-in) → apply again → plan → undo,
/// counted in the simulators' request logs, against the bare script for the same sequence (bench/lib/bare-sequence.sh,
/// which defines the minimum), each on its own pair of simulators and counted the same way.
/// </summary>
public sealed partial class RequestBudgetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string SignInPrompt = "click \"Login (OpenID redirect)\"";
    private SimulatorCli _wizard = null!;
    private SimulatorCli _bare = null!;

    public async Task InitializeAsync()
    {
        _wizard = await SimulatorCli.StartAsync();
        _bare = await SimulatorCli.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _wizard.DisposeAsync();
        await _bare.DisposeAsync();
    }

    [Fact]
    public async Task CliSequence_PlanApplyReapplyPlanUndo_SendsAtMostTwiceTheBareScriptsRequests()
    {
        var wizard = new List<(string Phase, List<string> Requests)>
        {
            ("plan", await CountAsync(_wizard, () => Succeeds(_wizard.RunWithAnswersAsync("plan")))),
            ("apply", await CountAsync(_wizard, () => WizardApplyWithSignInAsync())),
            ("apply again", await CountAsync(_wizard, () => Succeeds(_wizard.ApplyAsync(30)))),
            ("plan", await CountAsync(_wizard, () => Succeeds(_wizard.RunWithAnswersAsync("plan")))),
            ("undo", await CountAsync(_wizard, () => Succeeds(_wizard.RunWithAnswersAsync("undo", "--data-dir", _wizard.DataDir, "--yes")))),
        };
        var bare = new List<(string Phase, List<string> Requests)>
        {
            ("plan", await CountAsync(_bare, () => RunBareAsync("plan"))),
            ("apply", await CountAsync(_bare, () => RunBareAsync("apply"))),
            ("apply again", await CountAsync(_bare, () => RunBareAsync("apply"))),
            ("plan", await CountAsync(_bare, () => RunBareAsync("plan"))),
            ("undo", await CountAsync(_bare, () => RunBareAsync("undo"))),
        };

        Report("wizard", wizard);
        Report("bare script", bare);
        var wizardTotal = wizard.Sum(p => p.Requests.Count);
        var bareTotal = bare.Sum(p => p.Requests.Count);
        output.WriteLine($"wizard {wizardTotal} / bare {bareTotal} = {(double)wizardTotal / bareTotal:0.00}");

        // The bare script really did the job (so its count is the minimum for the same end states).
        Assert.Empty(_bare.Sims.PocketIdState.Clients);
        Assert.DoesNotContain(_bare.Sims.PbsState.Realms, r => r.Name == "PocketID");
        Assert.Equal("true", _bare.Sims.PbsState.Realms.Single(r => r.Name == "pam").Properties.GetValueOrDefault("default"));
        Assert.Equal(50, bareTotal);
        Assert.True(wizardTotal <= 2 * bareTotal, $"the wizard sent {wizardTotal} requests, more than twice the bare script's {bareTotal}");

        // Every check still made once per verb: each connection is checked, PBS resolves the issuer in each apply.
        foreach (var (phase, requests) in wizard.Where(p => p.Phase != "undo"))
        {
            Assert.Equal(1, requests.Count(r => r == "pocket-id GET /api/users/me"));
            Assert.Equal(1, requests.Count(r => r == "pbs POST /api2/json/access/ticket"));
            Assert.Equal(phase == "plan" ? 0 : 1, requests.Count(r => r == "pbs POST /api2/json/access/openid/auth-url"));
        }
    }

    private static async Task Succeeds(Task<(int Exit, string Out, string Err)> verb)
    {
        var result = await verb;
        Assert.True(result.Exit == CliExitCodes.Done, result.Out + result.Err);
    }

    private async Task<(int From, int To)?> WizardApplyWithSignInAsync()
    {
        var stdout = new LockedStringWriter();
        var applying = _wizard.ApplyAsync(120, stdout);
        Assert.True(await stdout.WaitForAsync(SignInPrompt, TimeSpan.FromSeconds(60)), stdout.ToString());
        var window = await SignInAsync(_wizard);
        await Succeeds(applying);
        return window;
    }

    /// <summary>Runs the bare script's verb; when it asks for the sign-in, alice signs in and it is told so.</summary>
    private async Task<(int From, int To)?> RunBareAsync(string verb)
    {
        var pem = Path.Combine(_bare.Directory.Path, "pbs.pem");
        await File.WriteAllTextAsync(pem, _bare.Sims.PbsCertificate.ExportCertificatePem());
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            BareScript(), verb, Path.Combine(_bare.Directory.Path, "bare-state"), _bare.Sims.PocketIdUrl.GetLeftPart(UriPartial.Authority),
            _bare.Sims.PbsOrigin, pem, _bare.Sims.PocketIdApiKey, _bare.Sims.PbsRootPassword, "PocketID", "alice",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        (int From, int To)? window = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("sign in now", StringComparison.Ordinal))
            {
                window = await SignInAsync(_bare);
                await process.StandardInput.WriteLineAsync();
                await process.StandardInput.FlushAsync();
            }
        }

        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"bare-sequence.sh {verb}: {await errors}");
        return window;
    }

    /// <summary>alice signs in; returns the span of log entries (both servers) the sign-in itself made.</summary>
    private static async Task<(int From, int To)?> SignInAsync(SimulatorCli sims)
    {
        var before = Logs(sims).Count;
        var signIn = await sims.SignInAsync();
        Assert.True(signIn.Succeeded, $"sign-in: {signIn.Stage} {signIn.Status} {signIn.Error}");
        return (before, Logs(sims).Count);
    }

    private static async Task<List<string>> CountAsync(SimulatorCli sims, Func<Task<(int From, int To)?>> run)
    {
        sims.Sims.PbsState.Requests.Clear();
        sims.Sims.PocketIdState.Requests.Clear();
        var signInWindow = await run();
        return ClientRequests(Logs(sims), signInWindow);
    }

    private static async Task<List<string>> CountAsync(SimulatorCli sims, Func<Task> run) =>
        await CountAsync(sims, async () =>
        {
            await run();
            return null;
        });

    private void Report(string who, List<(string Phase, List<string> Requests)> phases)
    {
        foreach (var (phase, requests) in phases)
        {
            output.WriteLine($"{who}, {phase}: {requests.Count}");
            foreach (var group in requests.GroupBy(r => r).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"  {group.Count()} {group.Key}");
            }
        }
    }

    /// <summary>Both logs in time order.</summary>
    private static List<(string Server, LoggedRequest Request)> Logs(SimulatorCli sims) =>
        sims.Sims.PbsState.Requests.Snapshot().Select(r => ("pbs", r))
            .Concat(sims.Sims.PocketIdState.Requests.Snapshot().Select(r => ("pocket-id", r)))
            .OrderBy(e => e.Item2.At).ToList();

    /// <summary>
    /// What the client (wizard or script) sent, as "server METHOD /path": everything logged, minus the scripted
    /// sign-in's own requests (logged between its start and end, except user listings) and minus what PBS itself
    /// fetches from Pocket ID for every `auth-url` it is asked for (discovery and JWKS, as the real PBS does).
    /// </summary>
    private static List<string> ClientRequests(List<(string Server, LoggedRequest Request)> log, (int From, int To)? signInWindow)
    {
        var kept = log.Where((e, i) => signInWindow is not { } w || i < w.From || i >= w.To || e is ("pbs", { Method: "GET", Path: "/api2/json/access/users" }))
            .Select(e => $"{e.Server} {e.Request.Method} {ClientId().Replace(e.Request.Path, "/clients/{id}")}").ToList();
        var authUrls = kept.Count(r => r == "pbs POST /api2/json/access/openid/auth-url");
        foreach (var backChannel in new[] { "pocket-id GET /.well-known/openid-configuration", "pocket-id GET /.well-known/jwks.json" })
        {
            for (var i = 0; i < authUrls; i++)
            {
                kept.RemoveAt(kept.LastIndexOf(backChannel));
            }
        }

        return kept;
    }

    private static string BareScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "bench", "lib", "bare-sequence.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new FileNotFoundException("bench/lib/bare-sequence.sh not found above the test's directory");
    }

    [GeneratedRegex("/clients/[^/]+")]
    private static partial Regex ClientId();
}
