using System.Globalization;
using System.Text.Json;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>
/// Both simulators on loopback (real HTTP, PBS over pinned TLS), an answers file for them and the command line run
/// in-process, with a real sign-in round trip as alice when apply pauses for it.
/// </summary>
public sealed class SimulatorCli : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();

    private SimulatorCli(SimulatorServers sims) => Sims = sims;

    public SimulatorServers Sims { get; }

    public TempDirectory Directory => _dir;

    public string AnswersPath => Path.Combine(_dir.Path, "answers.json");

    public string DataDir => Path.Combine(_dir.Path, "data");

    /// <summary>Starts the simulators and writes answers for them: realm PocketID (default, autocreate), Admin on / for alice.</summary>
    public static async Task<SimulatorCli> StartAsync(string usernameClaim = "username", string? pbsVersion = null, string? pocketIdVersion = null)
    {
        var options = new SimulatorServersOptions { AuthFailureDelay = TimeSpan.Zero, PbsVersion = pbsVersion, PocketIdVersion = pocketIdVersion };
        var cli = new SimulatorCli(await SimulatorServers.StartAsync(options, CancellationToken.None));
        await cli.WriteAnswersAsync(usernameClaim, clientId: null);
        return cli;
    }

    public Task WriteAnswersAsync(string usernameClaim, string? clientId) =>
        File.WriteAllTextAsync(AnswersPath, JsonSerializer.Serialize(new
        {
            pocketId = new { url = Sims.PocketIdUrl.GetLeftPart(UriPartial.Authority), apiKey = Sims.PocketIdApiKey },
            pbs = new { url = Sims.PbsOrigin, username = "root@pam", password = Sims.PbsRootPassword, fingerprint = Sims.PbsFingerprint },
            client = new { name = "Proxmox Backup Server", id = clientId },
            realm = new { name = "PocketID", @default = true, autocreate = true, usernameClaim },
            permissions = new[] { new { user = "alice", path = "/", role = "Admin", propagate = true } },
        }));

    /// <summary>Runs the executable's command line (verb first) in this process.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string[] args, LockedStringWriter? stdout = null)
    {
        stdout ??= new LockedStringWriter();
        var stderr = new LockedStringWriter();
        var console = new CliConsole(stdout, stderr, new StringReader(string.Empty), false, _ => null);
        var exit = await CliCommandLine.InvokeAsync(
            CliActions.Process with { Engine = command => command(new EngineCommandRunner(console), CancellationToken.None) }, args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A verb with this answers file, e.g. ("plan", "--json").</summary>
    public Task<(int Exit, string Out, string Err)> RunWithAnswersAsync(string verb, params string[] extra) =>
        RunAsync([verb, "--answers", AnswersPath, .. extra]);

    public Task<(int Exit, string Out, string Err)> ApplyAsync(int waitSeconds, LockedStringWriter? stdout = null) =>
        RunAsync(["apply", "--answers", AnswersPath, "--data-dir", DataDir, "--yes", "--wait-timeout", waitSeconds.ToString(CultureInfo.InvariantCulture)], stdout);

    /// <summary>Runs apply and, when it prints the pause line, plays alice at the PBS login page (a real round trip).</summary>
    public async Task<((int Exit, string Out, string Err) Apply, SignInResult? SignIn)> ApplyWithSignInAsync()
    {
        var stdout = new LockedStringWriter();
        var applying = ApplyAsync(120, stdout);
        SignInResult? signIn = null;
        if (await stdout.WaitForAsync("click \"Login (OpenID redirect)\"", TimeSpan.FromSeconds(60)))
        {
            signIn = await SignInAsync();
        }

        return (await applying, signIn);
    }

    /// <summary>alice signs in at the PBS login page through Pocket ID (a real OIDC round trip).</summary>
    public Task<SignInResult> SignInAsync() =>
        SignInDriver.SignInAsync(Sims.PbsUrl, Sims.PbsFingerprint, "PocketID", "alice", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Sims.DisposeAsync();
        _dir.Dispose();
    }
}
