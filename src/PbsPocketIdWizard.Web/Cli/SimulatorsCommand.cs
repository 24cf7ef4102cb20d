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

    public const string Usage = """
        Usage: PbsPocketIdWizard.Web simulators [--pbs-port N] [--pocket-id-port N] [--pbs-root-password PW]
                                                [--pocket-id-api-key KEY] [--pocket-id-version V] [--pbs-version V]
                                                [--host 127.0.0.1] [--public-host NAME]

          --pbs-port N             PBS simulator HTTPS port (default 18007; 0 = any free port)
          --pocket-id-port N       Pocket ID simulator HTTP port (default 11411; 0 = any free port)
          --pbs-root-password PW   root@pam password (generated and printed once when omitted)
          --pocket-id-api-key KEY  Pocket ID admin API key (generated and printed once when omitted)
          --pbs-version V          PBS version to imitate (default 4.2.3; e.g. 3.2.4 has no realm 'default' flag)
          --pocket-id-version V    Pocket ID version to imitate (default: the simulator's newest profile)
          --host ADDRESS           bind address (default 127.0.0.1)
          --public-host NAME       host name or IP a browser uses for both servers (default: --host)
        """;

    public static async Task<int> RunAsync(string[] args)
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
        return await RunAsync(args, Console.Out, Console.Error, stop.Token);
    }

    /// <summary>Testable core: runs until <paramref name="stop"/> fires; <paramref name="started"/> sees the running servers.</summary>
    internal static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop, Func<SimulatorServers, Task>? started = null)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }

        if (Parse(args, out var error) is not { } options)
        {
            await stderr.WriteLineAsync($"simulators: {error}");
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

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

    internal static SimulatorServersOptions? Parse(string[] args, out string? error)
    {
        var options = new SimulatorServersOptions { PbsPort = DefaultPbsPort, PocketIdPort = DefaultPocketIdPort };
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string? value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                value = null;
            }

            if (value is null || (value.Length == 0 && name is not "--pocket-id-version" and not "--pbs-version"))
            {
                error = name.StartsWith("--", StringComparison.Ordinal) && IsKnown(name) ? $"{name} needs a value" : $"unknown argument '{name}'";
                return null;
            }

            switch (name)
            {
                case "--pbs-port" when TryPort(value, out var port):
                    options.PbsPort = port;
                    break;
                case "--pocket-id-port" when TryPort(value, out var port):
                    options.PocketIdPort = port;
                    break;
                case "--pbs-port" or "--pocket-id-port":
                    error = $"{name}: '{value}' is not a port number (0-65535)";
                    return null;
                case "--pbs-root-password":
                    options.PbsRootPassword = value;
                    break;
                case "--pocket-id-api-key":
                    options.PocketIdApiKey = value;
                    break;
                case "--pocket-id-version" when IsVersion(value):
                    options.PocketIdVersion = value;
                    break;
                case "--pbs-version" when IsVersion(value):
                    options.PbsVersion = value;
                    break;
                case "--pocket-id-version" or "--pbs-version":
                    error = $"{name}: '{value}' is not a version like 4.2.3";
                    return null;
                case "--host":
                    options.Host = value;
                    break;
                case "--public-host":
                    options.PublicHost = value;
                    break;
                default:
                    error = $"unknown argument '{name}'";
                    return null;
            }
        }

        if (options.PbsPort != 0 && options.PbsPort == options.PocketIdPort)
        {
            error = "--pbs-port and --pocket-id-port must differ";
            return null;
        }

        return options;
    }

    private static bool IsKnown(string name) => name is "--pbs-port" or "--pocket-id-port" or "--pbs-root-password" or "--pocket-id-api-key"
        or "--pocket-id-version" or "--pbs-version" or "--host" or "--public-host";

    private static bool TryPort(string value, out int port) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static bool IsVersion(string value) =>
        Version.TryParse(value.TrimStart('v', 'V'), out var version) && version.Build >= 0;
}
