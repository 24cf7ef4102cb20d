using System.CommandLine;
using System.CommandLine.Help;
using PbsPocketIdWizard.Simulators.Hosting;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>What each verb does once its options are parsed; <see cref="Process"/> is the real one, tests swap parts.</summary>
public sealed record CliActions(
    EngineInvoker Engine,
    Func<SimulatorServersOptions, Task<int>> Simulators,
    Func<Uri, CancellationToken, Task<bool>> Healthcheck,
    Func<string[], Task<int>> WebHost)
{
    public static CliActions Process { get; } = new(EngineCommands.RunAsync, SimulatorsCommand.RunAsync, HealthcheckCommand.CheckAsync, Hosting.WizardWebHost.RunAsync);
}

/// <summary>
/// Every verb and option of the executable, parsed by System.CommandLine with generated --help. With no verb (or with
/// the web host's own arguments such as --urls URL or --Wizard:Mode=Live) the web wizard starts, as it always did.
/// </summary>
public static class CliCommandLine
{
    public const string ExecutableName = "PbsPocketIdWizard.Web";

    /// <summary>Unknown option, missing or invalid value: nothing was started or touched (README "Command line": 2).</summary>
    public const int UsageError = 2;

    private static readonly ParserConfiguration Parsing = new()
    {
        // A value that begins with '@' (a password, say) is a value, not a file of more arguments.
        ResponseFileTokenReplacer = null,
    };

    public static Task<int> RunAsync(string[] args) =>
        InvokeAsync(CliActions.Process, args, Console.Out, Console.Error, CancellationToken.None);

    public static async Task<int> InvokeAsync(CliActions actions, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = Build(actions);
        var result = root.Parse(args is ["help"] ? ["--help"] : args, Parsing);
        // Only the root lets tokens through (for the web host); after a verb, an unknown token is an error.
        var errors = result.CommandResult.Command == root
            ? []
            : UnknownTokens(result.UnmatchedTokens).Concat(result.Errors.Select(e => e.Message)).ToList();
        if (errors.Count > 0)
        {
            foreach (var message in errors)
            {
                await error.WriteLineAsync(message);
            }

            // The verb's help, so the right spelling is at hand.
            await error.WriteLineAsync();
            var verb = result.CommandResult.Command == root ? [] : new[] { result.CommandResult.Command.Name };
            await root.Parse([.. verb, "--help"], Parsing).InvokeAsync(Invocation(error, error), cancellationToken);
            await error.FlushAsync(cancellationToken);
            return UsageError;
        }

        return await result.InvokeAsync(Invocation(output, error), cancellationToken);
    }

    public static Command Build(CliActions actions)
    {
        var root = new Command(ExecutableName, """
            PbsPocketIdWizard: connect Proxmox Backup Server to Pocket ID.
            Without a command (or with web host options such as --urls URL or --Wizard:Mode=Live) it starts the web
            wizard, in demo mode when nothing is configured.
            """)
        {
            // The web host's own arguments are not this parser's to refuse.
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Options.Add(new HelpOption { Recursive = true });
        foreach (var verb in EngineVerbs.All(actions.Engine))
        {
            root.Subcommands.Add(verb);
        }

        root.Subcommands.Add(SimulatorsCommand.Verb(actions.Simulators));
        root.Subcommands.Add(HealthcheckCommand.Verb(actions.Healthcheck));
        root.SetAction(result => actions.WebHost([.. result.UnmatchedTokens]));
        return root;
    }

    /// <summary>
    /// Unknown options by name; the words after them are most likely their values (a mistyped --pbs-root-password's
    /// password, say), so they are not echoed. Stray words alone are named.
    /// </summary>
    private static IEnumerable<string> UnknownTokens(IReadOnlyList<string> unmatched)
    {
        var options = unmatched.Where(token => token.StartsWith('-')).ToList();
        return options.Count > 0
            ? options.Select(option => $"{option}: unknown option")
            : unmatched.Select(word => $"{word}: unexpected argument");
    }

    private static InvocationConfiguration Invocation(TextWriter output, TextWriter error) => new()
    {
        Output = output,
        Error = error,
        // The commands handle Ctrl+C and SIGTERM themselves (engine: exit 130 with the run kept; simulators: exit 0).
        ProcessTerminationTimeout = null,
        // The web host's HostAbortedException must reach WebApplicationFactory; every command reports its own errors.
        EnableDefaultExceptionHandler = false,
    };
}
