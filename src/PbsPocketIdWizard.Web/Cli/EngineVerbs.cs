using System.CommandLine;
using System.Globalization;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>Runs one engine command with a runner: the process wires Ctrl+C and the real console, tests their own.</summary>
public delegate Task<int> EngineInvoker(Func<EngineCommandRunner, CancellationToken, Task<int>> command);

public sealed record PlanOptions(string AnswersPath, bool Json, string? Totp);

public sealed record DoctorOptions(string AnswersPath, string? Totp);

public sealed record ApplyOptions(string AnswersPath, string? DataDirectory, TimeSpan WaitTimeout, bool Yes, string? Totp);

public sealed record StatusOptions(string? DataDirectory);

public sealed record UndoOptions(string AnswersPath, string? DataDirectory, bool Yes, string? Totp);

public sealed record ExportOptions(string AnswersPath, string Format, string? DataDirectory);

/// <summary>The verbs and options of plan | doctor | apply | status | undo | export (README "Command line").</summary>
internal static class EngineVerbs
{
    public const int DefaultWaitTimeoutSeconds = 900;

    public static IEnumerable<Command> All(EngineInvoker run) => [Plan(run), Doctor(run), Apply(run), Status(run), Undo(run), Export(run)];

    private static Command Plan(EngineInvoker run)
    {
        var answers = Answers();
        var json = new Option<bool>("--json") { Description = "Print only {\"changes\":[…]} as JSON on standard output." };
        var totp = Totp();
        var command = new Command("plan", "Show what apply would create, update or leave alone; writes nothing anywhere.") { answers, json, totp };
        command.SetAction(result => run((runner, ct) => runner.PlanAsync(
            new PlanOptions(result.GetRequiredValue(answers), result.GetValue(json), result.GetValue(totp)), ct)));
        return command;
    }

    private static Command Doctor(EngineInvoker run)
    {
        var answers = Answers();
        var totp = Totp();
        var command = new Command("doctor", "Check an existing setup (made by hand or by an earlier run) against the answers; read-only. Exit 0 healthy, 1 findings.")
        {
            answers, totp,
        };
        command.SetAction(result => run((runner, ct) => runner.DoctorAsync(new DoctorOptions(result.GetRequiredValue(answers), result.GetValue(totp)), ct)));
        return command;
    }

    private static Command Apply(EngineInvoker run)
    {
        var answers = Answers();
        var dataDirectory = DataDirectory();
        var waitTimeout = new Option<double>("--wait-timeout")
        {
            Description = "How long to wait for the first sign-in, in seconds.",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => DefaultWaitTimeoutSeconds,
            CustomParser = result =>
            {
                if (double.TryParse(result.Tokens.Single().Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    return seconds;
                }

                result.AddError("--wait-timeout: must be a number of seconds greater than 0");
                return default;
            },
        };
        var yes = Yes("Apply without asking.");
        var totp = Totp();
        var command = new Command("apply", "Make the changes step by step, pause for the first sign-in, then grant the permissions; resumes an interrupted run.")
        {
            answers, dataDirectory, waitTimeout, yes, totp,
        };
        command.SetAction(result => run((runner, ct) => runner.ApplyAsync(
            new ApplyOptions(result.GetRequiredValue(answers), result.GetValue(dataDirectory), TimeSpan.FromSeconds(result.GetValue(waitTimeout)), result.GetValue(yes), result.GetValue(totp)), ct)));
        return command;
    }

    private static Command Status(EngineInvoker run)
    {
        var dataDirectory = DataDirectory();
        var command = new Command("status", "Show the active (or last) run: each step's status, what it created, the users detected.") { dataDirectory };
        command.SetAction(result => run((runner, ct) => runner.StatusAsync(new StatusOptions(result.GetValue(dataDirectory)), ct)));
        return command;
    }

    private static Command Undo(EngineInvoker run)
    {
        var answers = Answers();
        var dataDirectory = DataDirectory();
        var yes = Yes("Remove without asking (needed without a terminal).");
        var totp = Totp();
        var command = new Command("undo", "Remove what the runs created (never what existed before).") { answers, dataDirectory, yes, totp };
        command.SetAction(result => run((runner, ct) => runner.UndoAsync(
            new UndoOptions(result.GetRequiredValue(answers), result.GetValue(dataDirectory), result.GetValue(yes), result.GetValue(totp)), ct)));
        return command;
    }

    private static Command Export(EngineInvoker run)
    {
        var answers = Answers();
        var format = new Option<string>("--format")
        {
            Description = "cli: proxmox-backup-manager commands and Pocket ID API calls; json: a report of the run. No secrets either way.",
            HelpName = "cli|json",
            DefaultValueFactory = _ => "cli",
        };
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not ("cli" or "json"))
            {
                result.AddError("--format: must be cli or json");
            }
        });
        var dataDirectory = DataDirectory();
        var command = new Command("export", "Print the equivalent commands and API calls, or a JSON report of the run.") { answers, format, dataDirectory };
        command.SetAction(result => run((runner, ct) => runner.ExportAsync(
            new ExportOptions(result.GetRequiredValue(answers), result.GetRequiredValue(format), result.GetValue(dataDirectory)), ct)));
        return command;
    }

    private static Option<string> Answers() => new("--answers")
    {
        Description = "The answers file (JSON).",
        HelpName = "FILE",
        Required = true,
    };

    private static Option<string?> DataDirectory() => new("--data-dir")
    {
        Description = $"Where runs are kept (default ./data, or {CliHost.DataDirectoryVariable}).",
        HelpName = "DIR",
    };

    private static Option<string?> Totp() => new("--totp", "--recovery-key")
    {
        Description = "PBS second factor, when the PBS user has one: the current TOTP code, or one of the user's recovery keys (each works once). Or set WIZARD_PBS_SECOND_FACTOR.",
        HelpName = "CODE",
    };

    private static Option<bool> Yes(string description) => new("--yes") { Description = description };
}
