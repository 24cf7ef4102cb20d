using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PbsPocketIdWizard.Simulators.Hosting;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`simulators`: both fake servers standalone until stopped (Ctrl+C or SIGTERM).</summary>
public static class SimulatorsCommand
{
    public const int DefaultPbsPort = 18007;
    public const int DefaultPocketIdPort = 11411;

    /// <summary>The verb, its options and their checks; <paramref name="run"/> gets the options (the process: <see cref="RunAsync(SimulatorServersOptions)"/>).</summary>
    public static Command Verb(Func<SimulatorServersOptions, Task<int>> run)
    {
        var pbsPort = Port("--pbs-port", "PBS simulator HTTPS port (0 = any free port).", DefaultPbsPort);
        var pocketIdPort = Port("--pocket-id-port", "Pocket ID simulator HTTP port (0 = any free port).", DefaultPocketIdPort);
        var rootPassword = Text("--pbs-root-password", "PW", "root@pam password (generated and printed once when omitted).");
        var apiKey = Text("--pocket-id-api-key", "KEY", "Pocket ID admin API key (generated and printed once when omitted).");
        var pbsVersion = Version("--pbs-version", "PBS version to imitate (default 4.2.3; e.g. 3.2.4 has no realm 'default' flag).");
        var pocketIdVersion = Version("--pocket-id-version", "Pocket ID version to imitate (default: the simulator's newest profile).");
        var host = Text("--host", "ADDRESS", "Bind address (default 127.0.0.1).");
        var publicHost = Text("--public-host", "NAME", "Host name or IP a browser uses for both servers (default: --host).");
        var recoveryKeys = Text("--pbs-root-recovery-keys", "KEYS",
            "root@pam's two-factor recovery keys, separated by commas (each works once; with any, the login asks for one).");
        var command = new Command("simulators", "Run the PBS and Pocket ID simulators standalone until Ctrl+C or SIGTERM.")
        {
            pbsPort, pocketIdPort, rootPassword, apiKey, pbsVersion, pocketIdVersion, host, publicHost, recoveryKeys,
        };
        command.Validators.Add(result =>
        {
            // A port that is not a number was reported by its own option already.
            if (PortOf(result, pbsPort) is { } pbs and not 0 && pbs == PortOf(result, pocketIdPort))
            {
                result.AddError("--pbs-port and --pocket-id-port must differ");
            }
        });
        command.SetAction(result =>
        {
            var options = new SimulatorServersOptions
            {
                PbsPort = result.GetValue(pbsPort),
                PocketIdPort = result.GetValue(pocketIdPort),
                PbsRootPassword = result.GetValue(rootPassword),
                PocketIdApiKey = result.GetValue(apiKey),
                PbsVersion = result.GetValue(pbsVersion),
                PocketIdVersion = result.GetValue(pocketIdVersion),
                PublicHost = result.GetValue(publicHost),
                PbsRootRecoveryKeys = (result.GetValue(recoveryKeys) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            options.Host = result.GetValue(host) ?? options.Host;
            return run(options);
        });
        return command;
    }

    /// <summary>Runs until Ctrl+C or SIGTERM, on the process's console.</summary>
    public static async Task<int> RunAsync(SimulatorServersOptions options)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        return await RunAsync(options, Console.Out, Console.Error, stop.Token);
    }

    /// <summary>Testable core: runs until <paramref name="stop"/> fires; <paramref name="started"/> sees the running servers.</summary>
    internal static async Task<int> RunAsync(
        SimulatorServersOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stop, Func<SimulatorServers, Task>? started = null)
    {
        SimulatorServers servers;
        try
        {
            servers = await SimulatorServers.StartAsync(options, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await stdout.WriteLineAsync("simulators stopped");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ArgumentException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"simulators: could not start: {ex.Message}");
            return 1;
        }

        await using (servers)
        {
            await stdout.WriteLineAsync($"PBS simulator        {servers.PbsOrigin}  (PBS {options.PbsVersion ?? "4.2.3"}, login page at /)");
            await stdout.WriteLineAsync($"  TLS fingerprint    {servers.PbsFingerprint}");
            if (options.PbsRootPassword is null)
            {
                await stdout.WriteLineAsync($"  root@pam password  {servers.PbsRootPassword}  (generated; shown only now)");
            }

            await stdout.WriteLineAsync($"Pocket ID simulator  {servers.PocketIdIssuer}  (Pocket ID {servers.PocketIdState.Profile.VersionText})");
            await stdout.WriteLineAsync($"  issuer URL         {servers.PocketIdIssuer}");
            if (options.PocketIdApiKey is null)
            {
                await stdout.WriteLineAsync($"  API key            {servers.PocketIdApiKey}  (generated; shown only now)");
            }

            await stdout.WriteLineAsync("Demo users in Pocket ID: alice (admin, has an e-mail), bob (no e-mail). Press Ctrl+C to stop.");
            await stdout.FlushAsync(CancellationToken.None);
            if (started is not null)
            {
                await started(servers);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C / SIGTERM: stop both servers
            }
        }

        await stdout.WriteLineAsync("simulators stopped");
        return 0;
    }

    private static Option<int> Port(string name, string description, int defaultPort) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultPort,
        CustomParser = result =>
        {
            var value = result.Tokens.Single().Value;
            if (TryPort(value, out var port))
            {
                return port;
            }

            result.AddError($"{name}: '{value}' is not a port number (0-65535)");
            return default;
        },
    };

    /// <summary>The port given or the default; null when what was given is not a port.</summary>
    private static int? PortOf(CommandResult command, Option<int> option) =>
        command.GetResult(option) is { Tokens: [var token] } ? (TryPort(token.Value, out var port) ? port : null) : option.GetDefaultValue() as int?;

    private static bool TryPort(string value, out int port) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    /// <summary>A text option that must not be empty.</summary>
    private static Option<string?> Text(string name, string helpName, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { Length: 0 })
            {
                result.AddError($"{name} needs a value");
            }
        });
        return option;
    }

    /// <summary>A version such as 4.2.3 (a leading v is allowed).</summary>
    private static Option<string?> Version(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "V" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value
                && !(global::System.Version.TryParse(value.TrimStart('v', 'V'), out var version) && version.Build >= 0))
            {
                result.AddError($"{name}: '{value}' is not a version like 4.2.3");
            }
        });
        return option;
    }
}
