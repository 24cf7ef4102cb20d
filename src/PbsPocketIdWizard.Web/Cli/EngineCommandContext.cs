using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// What the engine commands share: the console (every line passes through redaction of the secrets they know of),
/// the host's service overrides, the answers file's loading and the steps' checks, and how failures are printed.
/// </summary>
public sealed class EngineCommandContext
{
    private readonly List<string> _knownSecrets = [];
    private WizardState? _state;

    public EngineCommandContext(CliConsole console, Action<IServiceCollection>? configureServices)
    {
        ConfigureServices = configureServices;
        Console = console with
        {
            Out = new RedactingWriter(console.Out, KnownSecrets),
            Error = new RedactingWriter(console.Error, KnownSecrets),
        };
    }

    public CliConsole Console { get; }

    public Action<IServiceCollection>? ConfigureServices { get; }

    public TextWriter Out => Console.Out;

    public TextWriter Err => Console.Error;

    /// <summary>The run whose secrets the output must never show.</summary>
    public void Attach(WizardState state) => _state = state;

    /// <summary>--data-dir, else Wizard__DataDirectory, else the default.</summary>
    public string DataDirectory(string? dataDirectoryOption) => dataDirectoryOption ?? CliHost.DefaultDataDirectory(Console);

    /// <summary>Whether runs were ever kept there; looking creates nothing (building the host would create the directory).</summary>
    public static bool HasRuns(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, SqliteWizardStore.DatabaseFileName));

    public ServiceProvider BuildServices(string? dataDirectory) => CliHost.Build(Console, dataDirectory, ConfigureServices);

    /// <summary>The answers, or null after printing every problem (exit 2: nothing was touched).</summary>
    public async Task<ValidAnswers?> LoadAnswersAsync(string answersPath, bool requireSecrets)
    {
        // The engine's own steps judge the answers as they judge the web form: an in-memory host, nothing is touched yet,
        // and without the host overrides (those stand in for servers, never for the rules).
        await using var services = CliHost.Build(Console, null, configureServices: null);
        var (loaded, errors) = AnswersReader.Load(answersPath, Console.Environment, requireSecrets, services.GetServices<IWizardStep>());
        if (loaded is null)
        {
            PrintAnswerErrors(errors);
            await Err.FlushAsync();
            return null;
        }

        foreach (var secret in new[] { loaded.ApiKey, loaded.Password, loaded.ApiToken })
        {
            if (secret is not null)
            {
                _knownSecrets.Add(secret.Reveal());
                // The secret part of an API token (after the last ':') is a secret on its own.
                if (secret == loaded.ApiToken && secret.Reveal().LastIndexOf(':') is > 0 and var colon)
                {
                    _knownSecrets.Add(secret.Reveal()[(colon + 1)..]);
                }
            }
        }

        if (Core.Steps.PocketIdConnectionStep.CleartextWarning(loaded.File.PocketId?.Url) is { } cleartext)
        {
            Err.WriteLine($"Warning: pocketId.url: {cleartext}");
        }

        return loaded;
    }

    /// <summary>The pure checks of the steps that judge their own inputs alone, before any server is touched; their errors are answer errors (exit 2).</summary>
    public bool CheckSteps(WizardSession session)
    {
        var errors = new List<string>();
        foreach (var step in session.Steps.Where(s => s.ValidatesInputsAlone))
        {
            errors.AddRange(session.Validate(step.Id).Select(e => $"{step.Title}: {e}"));
        }

        if (errors.Count == 0)
        {
            return true;
        }

        PrintAnswerErrors(errors);
        return false;
    }

    /// <summary>
    /// The whole-run plan of the answers in an in-memory run (no data directory; nothing is written anywhere), for plan
    /// and doctor. Null when the answers fail the steps' own checks (printed; no server was contacted).
    /// </summary>
    public async Task<(WizardState State, IReadOnlyList<(IWizardStep Step, StepPlan? Plan, StepOutcome? Failure)> Preview)?> PreviewAsync(
        ValidAnswers answers, string? totp, CancellationToken cancellationToken)
    {
        await using var services = BuildServices(null);
        await using var scope = services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<WizardSession>();
        await session.LoadOrStartAsync(cancellationToken);
        Attach(session.State);
        answers.ApplyTo(session.State, totp);
        if (!CheckSteps(session))
        {
            return null;
        }

        return (session.State, await session.PlanAllAsync(cancellationToken));
    }

    public void PrintFailure(IWizardStep step, StepOutcome outcome)
    {
        Err.WriteLine($"{step.Title} failed: {outcome.Message}");
        foreach (var error in outcome.Errors.Where(e => e.Message != outcome.Message))
        {
            Err.WriteLine($"  {error}");
        }

        foreach (var hint in AnswersHints(step, outcome))
        {
            Err.WriteLine($"  {hint}");
        }

        Err.Flush();
    }

    /// <summary>
    /// Where in the answers file the admin makes the choice a failure asks for (the engine's messages speak of choices,
    /// as the web form offers them; on the command line each is a key of the answers file).
    /// </summary>
    public static IEnumerable<string> AnswersHints(IWizardStep step, StepOutcome outcome) =>
        outcome.Errors.Select(e => AnswersReader.AnswersKey(step.Id, e.Field)).OfType<string>().Distinct()
            .Select(key => $"In the answers file, this is {key}.");

    /// <summary>Where the run moved PBS's default realm flag (see DefaultRealmMove).</summary>
    public static List<(string Previous, string Next)> DefaultRealmMoves(WizardState run) =>
        run.ChangedByRun(ResourceKind.PbsDefaultRealm)
            .Select(DefaultRealmMove.Parse)
            .Select(move => (move.Previous, move.Next))
            .ToList();

    private void PrintAnswerErrors(IReadOnlyList<string> errors)
    {
        Err.WriteLine($"The answers file has {errors.Count} problem(s); nothing was touched:");
        foreach (var error in errors)
        {
            Err.WriteLine($"  {error}");
        }
    }

    private IEnumerable<string> KnownSecrets()
    {
        foreach (var secret in _knownSecrets)
        {
            yield return secret;
        }

        if (_state is not null)
        {
            foreach (var secret in WizardSecrets.All(_state))
            {
                yield return secret.Reveal();
            }
        }
    }
}
