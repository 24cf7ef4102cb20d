using PbsPocketIdWizard.Web.Hosting;

namespace PbsPocketIdWizard.Web.Cli;

public static class CommandDispatcher
{
    /// <summary>Sub-command name → handler. Anything else (no arguments, or host options such as --urls) starts the web wizard.</summary>
    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["simulators"] = SimulatorsCommand.RunAsync,
        ["healthcheck"] = HealthcheckCommand.RunAsync,
        ["plan"] = EngineCommands.PlanAsync,
        ["apply"] = EngineCommands.ApplyAsync,
        ["status"] = EngineCommands.StatusAsync,
        ["undo"] = EngineCommands.UndoAsync,
        ["export"] = EngineCommands.ExportAsync,
    };

    public static IReadOnlyCollection<string> CommandNames => Commands.Keys;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && Commands.TryGetValue(args[0], out var command))
        {
            return await command(args[1..]);
        }

        if (args.Length > 0 && args[0] is "--help" or "-h" or "help")
        {
            PrintUsage();
            return 0;
        }

        return await WebHost.RunAsync(args);
    }

    private static void PrintUsage() => Console.Out.WriteLine("""
        PbsPocketIdWizard — connect Proxmox Backup Server to Pocket ID.

        Usage:
          PbsPocketIdWizard.Web [--urls URL] [host options]   start the web wizard (demo mode when nothing is configured)
          PbsPocketIdWizard.Web plan --answers FILE [--json]
          PbsPocketIdWizard.Web apply --answers FILE [--data-dir DIR] [--wait-timeout SECONDS] [--yes] [--totp CODE]
          PbsPocketIdWizard.Web status [--data-dir DIR]
          PbsPocketIdWizard.Web undo --answers FILE [--data-dir DIR] [--yes]
          PbsPocketIdWizard.Web export --answers FILE --format cli|json
          PbsPocketIdWizard.Web simulators [--pbs-port N] [--pocket-id-port N] [--pbs-root-password PW] [--pocket-id-api-key KEY]
                                           [--pocket-id-version V] [--pbs-version V] [--host 127.0.0.1] [--public-host NAME]
          PbsPocketIdWizard.Web healthcheck [--url http://127.0.0.1:8080]
        """);
}
