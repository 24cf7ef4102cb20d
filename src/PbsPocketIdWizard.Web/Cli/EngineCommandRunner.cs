using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PbsPocketIdWizard.Core.Exports;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// The pause of the first sign-in: reports each new user of the realm until cancelled; onFirstPoll runs once, after
/// the first complete listing (whoever was reported before it was in PBS before the watch).
/// </summary>
public delegate Task WatchForUsers(WizardState state, Func<DetectedUser, Task> onNewUser, Action? onFirstPoll, CancellationToken cancellationToken);

/// <summary>
/// plan | apply | status | undo | export: the same <see cref="WizardSession"/> as the web wizard, driven from a
/// terminal or a script. Results go to standard output, logs and notes to standard error; no secret reaches either.
/// </summary>
public sealed class EngineCommandRunner
{
    public const int DefaultWaitTimeoutSeconds = 900;

    /// <summary>How long the watch may take to report users who already exist before the instructions are printed.</summary>
    public TimeSpan SignInGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions PlanJsonOptions = new()
    {
        Converters = { new JsonStringEnumConverter() },
        // Plain quotes and non-ASCII stay readable; this JSON goes to a terminal or a script, never into HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly CliConsole _console;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly List<string> _knownSecrets = [];
    private WizardState? _state;

    public EngineCommandRunner(CliConsole console, Action<IServiceCollection>? configureServices = null)
    {
        _configureServices = configureServices;
        // Everything the commands print passes through redaction of the secrets they know of.
        _console = console with
        {
            Out = new RedactingWriter(console.Out, KnownSecrets),
            Error = new RedactingWriter(console.Error, KnownSecrets),
        };
    }

    private TextWriter Out => _console.Out;

    private TextWriter Err => _console.Error;

    // ------------------------------------------------------------------ plan

    public async Task<int> PlanAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["--answers", "--totp"], ["--json"]);
        options.Require("--answers");
        if (!TryLoadAnswers(options, requireSecrets: true, out var answers))
        {
            return CliExitCodes.InvalidAnswers;
        }

        try
        {
            // plan touches no data directory: an in-memory run only.
            await using var services = CliHost.Build(_console, null, _configureServices);
            await using var scope = services.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<WizardSession>();
            await session.LoadOrStartAsync(cancellationToken);
            Attach(session.State);
            answers.ApplyTo(session.State, options.Value("--totp"));
            if (!CheckSteps(session))
            {
                return CliExitCodes.InvalidAnswers;
            }

            var preview = await session.PlanAllAsync(cancellationToken);
            if (preview.FirstOrDefault(p => p.Failure is not null) is { Failure: { } failure } failed)
            {
                PrintFailure(failed.Step, failure);
                return CliExitCodes.Failed;
            }

            var changes = preview.AllChanges();
            if (options.Flag("--json"))
            {
                Out.WriteLine(JsonSerializer.Serialize(new PlanJson(changes.Select(c => new PlanJsonChange(c.Change.Kind, c.Change.Resource, c.Change.Description)).ToList()), PlanJsonOptions));
            }
            else
            {
                PrintPlanTable(changes);
            }

            return CliExitCodes.Done;
        }
        finally
        {
            Out.Flush();
            Err.Flush();
        }
    }

    // ------------------------------------------------------------------ apply

    public async Task<int> ApplyAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["--answers", "--data-dir", "--wait-timeout", "--totp"], ["--yes"]);
        options.Require("--answers");
        var waitTimeout = TimeSpan.FromSeconds(DefaultWaitTimeoutSeconds);
        if (options.Value("--wait-timeout") is { } timeoutText)
        {
            if (double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                waitTimeout = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                options.Errors.Add("--wait-timeout: must be a number of seconds greater than 0");
            }
        }

        if (!TryLoadAnswers(options, requireSecrets: true, out var answers))
        {
            return CliExitCodes.InvalidAnswers;
        }

        try
        {
            await using var services = CliHost.Build(_console, options.Value("--data-dir") ?? CliHost.DefaultDataDirectory(_console), _configureServices);
            await using var scope = services.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<WizardSession>();
            await session.LoadOrStartAsync(cancellationToken);
            Attach(session.State);
            var resumed = session.State.Statuses.Values.Any(s => s != StepStatus.NotStarted);
            answers.ApplyTo(session.State, options.Value("--totp"));
            foreach (var step in session.Steps)
            {
                session.NotifyInputsChanged(step.Id);
            }

            if (!CheckSteps(session))
            {
                return CliExitCodes.InvalidAnswers;
            }

            Out.WriteLine(resumed
                ? $"Resuming run {session.State.RunId} (started {session.State.StartedAt:u})" + (session.State.Journal.Any(e => e.Outcome == JournalOutcome.Done) ? ", which already did:" : ":")
                : $"New run {session.State.RunId}");
            if (resumed)
            {
                foreach (var entry in session.State.Journal.Where(e => e.Outcome == JournalOutcome.Done))
                {
                    Out.WriteLine($"    done: {entry.Action} {ResourceDescriber.Describe(entry, session.State)}" + (entry.Detail is { Length: > 0 } d ? $" ({d})" : string.Empty));
                }
            }

            if (!options.Flag("--yes") && _console.IsInteractive)
            {
                var preview = await session.PlanAllAsync(cancellationToken);
                if (preview.FirstOrDefault(p => p.Failure is not null) is { Failure: { } failure } failed)
                {
                    PrintFailure(failed.Step, failure);
                    return CliExitCodes.Failed;
                }

                PrintPlanTable(preview.AllChanges());
                if (!_console.Confirm("Apply these changes to Pocket ID and PBS?"))
                {
                    Out.WriteLine("Nothing was changed.");
                    return CliExitCodes.Done;
                }
            }

            var watcher = scope.ServiceProvider.GetService<WatchForUsers>();
            return await RunAllStepsAsync(session, answers, watcher, waitTimeout, options.Value("--totp") is null, cancellationToken);
        }
        finally
        {
            Out.Flush();
            Err.Flush();
        }
    }

    private async Task<int> RunAllStepsAsync(WizardSession session, ValidAnswers answers, WatchForUsers? watcher, TimeSpan waitTimeout, bool mayPromptTotp, CancellationToken cancellationToken)
    {
        var progress = new ProgressPrinter(session, Out);
        session.Changed += progress.OnChanged;
        try
        {
            session.GoTo(session.Steps[0].Id);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var step = session.CurrentStep;
                Out.WriteLine($"[{session.CurrentIndex + 1}/{session.Steps.Count}] {step.Title}");
                progress.Begin(step.Id);

                if (step.Id == WizardStepId.FirstSignIn)
                {
                    var waited = await WaitForSignInAsync(session, answers, watcher, waitTimeout, cancellationToken);
                    if (waited != CliExitCodes.Done)
                    {
                        return waited;
                    }
                }

                var outcome = await session.RunCurrentStepAsync(cancellationToken);
                if (!outcome.Succeeded && mayPromptTotp && _console.IsInteractive && NeedsTotp(outcome))
                {
                    session.State.Pbs.TotpCode = _console.Prompt($"PBS asks for a second factor: TOTP code for {session.State.Pbs.Username}");
                    mayPromptTotp = false;
                    outcome = await session.RunCurrentStepAsync(cancellationToken);
                }

                if (!outcome.Succeeded)
                {
                    PrintFailure(step, outcome);
                    Out.WriteLine("The run is kept: fix the cause and run apply again to resume.");
                    return CliExitCodes.Failed;
                }

                if (!session.MoveNext())
                {
                    break;
                }
            }

            await session.CompleteAsync(cancellationToken);
            Out.WriteLine(progress.Created + progress.Updated == 0
                ? "No change: everything was already in place."
                : $"Done: {progress.Created} created, {progress.Updated} updated.");
            PrintSummary(session.State);
            return CliExitCodes.Done;
        }
        finally
        {
            session.Changed -= progress.OnChanged;
        }
    }

    /// <summary>
    /// The pause: shows where to sign in, prints each new user of the realm, and returns once every user named in the
    /// permissions exists. Users already in PBS (a re-run) are found by the watch's first poll, within a short grace
    /// period, before any instructions are printed. Exit code 4 when the wait times out (the run is kept; apply again
    /// resumes here).
    /// </summary>
    private async Task<int> WaitForSignInAsync(WizardSession session, ValidAnswers answers, WatchForUsers? watcher, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = session.State;
        var required = answers.PermissionUsers;
        var seen = new HashSet<string>(state.Results.DetectedUsers.Select(u => u.UserId), StringComparer.Ordinal);
        if (required.Count == 0 || required.All(seen.Contains) || watcher is null)
        {
            return CliExitCodes.Done;
        }

        var gate = new Lock();
        var announced = false;
        var firstPollDone = false;
        var firstPoll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var foundBeforeAnnouncing = new List<string>();
        var allThere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);

        Task OnNewUser(DetectedUser user)
        {
            lock (gate)
            {
                if (seen.Add(user.UserId))
                {
                    // Whoever the first listing reports was in PBS before this wait, however long that listing took.
                    var line = (firstPollDone ? "new user: " : "already in PBS: ") + user.UserId + (user.Email is { Length: > 0 } email ? $" ({email})" : string.Empty);
                    if (announced)
                    {
                        Out.WriteLine($"    {line}");
                        Out.Flush();
                    }
                    else
                    {
                        foundBeforeAnnouncing.Add(line);
                    }
                }

                if (required.All(seen.Contains))
                {
                    allThere.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }

        void OnFirstPoll()
        {
            lock (gate)
            {
                firstPollDone = true;
            }

            firstPoll.TrySetResult();
        }

        var watch = WatchQuietlyAsync(watcher, state, OnNewUser, OnFirstPoll, stop.Token);
        // The instructions wait for the first listing (users already there need none), but no longer than the grace period.
        await Task.WhenAny(allThere.Task, watch, firstPoll.Task, Task.Delay(SignInGracePeriod, stop.Token));
        lock (gate)
        {
            if (!allThere.Task.IsCompleted)
            {
                announced = true;
                var names = string.Join(", ", required.Where(u => !seen.Contains(u)).Select(u => u[..u.LastIndexOf('@')]));
                Out.WriteLine($"  Waiting for the first sign-in (up to {timeout.TotalSeconds:0} s):");
                Out.WriteLine($"    open {ExportBuilder.PbsOrigin(state.Pbs.Url)}, choose realm {state.Realm.Name}, click \"Login (OpenID redirect)\", sign in as {names} in Pocket ID");
            }

            foreach (var line in foundBeforeAnnouncing)
            {
                Out.WriteLine($"    {line}");
            }

            Out.Flush();
        }

        await Task.WhenAny(allThere.Task, watch);
        await stop.CancelAsync();
        await watch;
        await session.FlushAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (allThere.Task.IsCompleted)
        {
            return CliExitCodes.Done;
        }

        var missing = required.Where(u => !seen.Contains(u)).ToList();
        Err.WriteLine($"Timed out after {timeout.TotalSeconds:0} s waiting for {string.Join(", ", missing)} to sign in to PBS. The run is kept: run apply again to resume the wait.");
        return CliExitCodes.TimedOut;
    }

    private static async Task WatchQuietlyAsync(WatchForUsers watcher, WizardState state, Func<DetectedUser, Task> onNewUser, Action onFirstPoll, CancellationToken cancellationToken)
    {
        try
        {
            await watcher(state, onNewUser, onFirstPoll, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: everyone signed in, the wait timed out, or the command was interrupted.
        }
    }

    // ------------------------------------------------------------------ status

    public async Task<int> StatusAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["--data-dir"], []);
        if (!ReportArgumentErrors(options))
        {
            return CliExitCodes.InvalidAnswers;
        }

        var dataDirectory = options.Value("--data-dir") ?? CliHost.DefaultDataDirectory(_console);
        if (!File.Exists(Path.Combine(dataDirectory, SqliteWizardStore.DatabaseFileName)))
        {
            Out.WriteLine($"No runs yet in {Path.GetFullPath(dataDirectory)}.");
            return CliExitCodes.Done;
        }

        await using var services = CliHost.Build(_console, dataDirectory, _configureServices);
        var store = services.GetRequiredService<IWizardStateStore>();
        var runs = await store.ListAsync(cancellationToken);
        if (runs.Count == 0)
        {
            Out.WriteLine($"No runs yet in {Path.GetFullPath(dataDirectory)}.");
            return CliExitCodes.Done;
        }

        var run = runs.FirstOrDefault(r => r.IsActive) ?? runs[0];
        Attach(run);
        var titles = services.GetServices<IWizardStep>().ToDictionary(s => s.Id, s => s.Title);

        // An undo acts on the runs that created things, which are often not the newest run (a later re-run that
        // changed nothing only verified them): the newest undo of this run or of an earlier one, unless this run
        // created anew what that undo removed, is said first and plainly.
        var laterUndo = runs
            .Where(r => r.Undone && (r.RunId == run.RunId || r.StartedAt <= run.StartedAt))
            .Select(r => (Run: r, Removed: r.Journal.Where(e => e.Outcome == JournalOutcome.Undone).ToList()))
            .Where(u => u.Removed.Count > 0)
            .Where(u => u.Run.RunId == run.RunId || !u.Removed.Any(e => run.CreatedByRun(e.Resource).Contains(e.ResourceId)))
            .Select(u => (u.Run, u.Removed, At: u.Removed.Max(e => e.At)))
            .OrderByDescending(u => u.At)
            .ThenByDescending(u => u.Run.StartedAt)
            .FirstOrDefault();
        if (laterUndo.Run is not null)
        {
            Out.WriteLine($"The setup was undone at {laterUndo.At:u}: undo of run {laterUndo.Run.RunId} (started {laterUndo.Run.StartedAt:u}) removed:");
            foreach (var entry in laterUndo.Removed)
            {
                Out.WriteLine($"  - {ResourceDescriber.Describe(entry, laterUndo.Run)}");
            }

            Out.WriteLine(string.Empty);
        }

        var undoneLater = laterUndo.Run is not null && laterUndo.Run.RunId != run.RunId;
        Out.WriteLine($"Run {run.RunId} ({RunState(run)}{(undoneLater ? ", its setup undone since" : string.Empty)}), started {run.StartedAt:u}");
        Out.WriteLine($"  Pocket ID {Display(run.PocketId.Url)} · PBS {Display(run.Pbs.Url)} · realm {run.Realm.Name}");
        Out.WriteLine(undoneLater ? $"Steps (as this run left them, before the undo at {laterUndo.At:u}):" : "Steps:");
        foreach (var id in Enum.GetValues<WizardStepId>())
        {
            var marker = run.IsActive && id == run.CurrentStep ? " <- current" : string.Empty;
            Out.WriteLine($"  {titles.GetValueOrDefault(id, id.ToString()),-28} {run.Statuses.GetValueOrDefault(id, StepStatus.NotStarted)}{marker}");
        }

        var created = Enum.GetValues<ResourceKind>().SelectMany(kind => run.CreatedByRun(kind).Select(id => (kind, id))).ToList();
        Out.WriteLine(created.Count == 0 ? "Created by this run: nothing" : "Created by this run:");
        foreach (var (kind, id) in created)
        {
            Out.WriteLine($"  {ResourceDescriber.Describe(kind, id, run)}");
        }

        foreach (var (previous, next) in DefaultRealmMoves(run))
        {
            Out.WriteLine($"Default realm moved: {previous} → {(next.Length == 0 ? "(none)" : next)} (undo makes {previous} the default again)");
        }

        Out.WriteLine(run.Results.DetectedUsers.Count == 0 ? "Detected users: none yet" : "Detected users:");
        foreach (var user in run.Results.DetectedUsers)
        {
            Out.WriteLine($"  {user.UserId}" + (user.Email is { Length: > 0 } email ? $" ({email})" : string.Empty) + $", seen {user.SeenAt:u}");
        }

        if (runs.Count > 1)
        {
            Out.WriteLine($"Earlier runs: {runs.Count - 1}");
            foreach (var other in runs.Where(r => r.RunId != run.RunId).Take(5))
            {
                Out.WriteLine($"  {other.RunId} ({RunState(other)}), started {other.StartedAt:u}");
            }
        }

        return CliExitCodes.Done;
    }

    // ------------------------------------------------------------------ undo

    public async Task<int> UndoAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["--answers", "--data-dir", "--totp"], ["--yes"]);
        options.Require("--answers");
        if (!TryLoadAnswers(options, requireSecrets: true, out var answers))
        {
            return CliExitCodes.InvalidAnswers;
        }

        var dataDirectory = options.Value("--data-dir") ?? CliHost.DefaultDataDirectory(_console);
        if (!File.Exists(Path.Combine(dataDirectory, SqliteWizardStore.DatabaseFileName)))
        {
            Out.WriteLine($"Nothing to undo: no runs in {Path.GetFullPath(dataDirectory)}.");
            return CliExitCodes.Done;
        }

        await using var services = CliHost.Build(_console, dataDirectory, _configureServices);
        var store = services.GetRequiredService<IWizardStateStore>();
        var runs = (await store.ListAsync(cancellationToken))
            .Where(r => !r.Undone && (Enum.GetValues<ResourceKind>().Any(kind => r.CreatedByRun(kind).Count > 0) || DefaultRealmMoves(r).Count > 0))
            .ToList();
        if (runs.Count == 0)
        {
            Out.WriteLine("Nothing to undo: no run created anything that is still there.");
            return CliExitCodes.Done;
        }

        Out.WriteLine("Undo removes what these runs created (never what existed before):");
        foreach (var run in runs)
        {
            Out.WriteLine($"  run {run.RunId}, started {run.StartedAt:u}:");
            foreach (var kind in Enum.GetValues<ResourceKind>())
            {
                foreach (var id in run.CreatedByRun(kind))
                {
                    Out.WriteLine($"    {ResourceDescriber.Describe(kind, id, run)}");
                }
            }

            foreach (var (previous, _) in DefaultRealmMoves(run))
            {
                Out.WriteLine($"    PBS default realm: {previous} becomes the default realm again (if it still exists and no other realm became default)");
            }
        }

        if (!options.Flag("--yes"))
        {
            if (!_console.IsInteractive)
            {
                Err.WriteLine("undo: add --yes to remove these without a terminal to confirm.");
                return CliExitCodes.InvalidAnswers;
            }

            if (!_console.Confirm("Remove them from Pocket ID and PBS?"))
            {
                Out.WriteLine("Nothing was changed.");
                return CliExitCodes.Done;
            }
        }

        var exitCode = CliExitCodes.Done;
        foreach (var run in runs)
        {
            await using var scope = services.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<WizardSession>();
            await session.LoadRunAsync(run.RunId, cancellationToken);
            Attach(session.State);
            answers.ApplyConnectionTo(session.State, options.Value("--totp"));
            var outcome = await session.UndoAsync(cancellationToken);
            if (outcome.Succeeded)
            {
                Out.WriteLine($"Run {run.RunId}: {outcome.Message}");
            }
            else
            {
                Err.WriteLine($"Run {run.RunId}: undo did not finish.");
                foreach (var error in outcome.Errors)
                {
                    Err.WriteLine($"  {error.Message}");
                }

                exitCode = CliExitCodes.Failed;
            }
        }

        return exitCode;
    }

    // ------------------------------------------------------------------ export

    public async Task<int> ExportAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["--answers", "--format", "--data-dir"], []);
        options.Require("--answers");
        var format = options.Value("--format") ?? "cli";
        if (format is not ("cli" or "json"))
        {
            options.Errors.Add("--format: must be cli or json");
        }

        if (!TryLoadAnswers(options, requireSecrets: false, out var answers))
        {
            return CliExitCodes.InvalidAnswers;
        }

        // The newest run that was not undone supplies what only a run knows (client id, issuer, journal); else answers alone.
        var state = new WizardState();
        var dataDirectory = options.Value("--data-dir") ?? CliHost.DefaultDataDirectory(_console);
        if (File.Exists(Path.Combine(dataDirectory, SqliteWizardStore.DatabaseFileName)))
        {
            await using var services = CliHost.Build(_console, dataDirectory, _configureServices);
            var runs = await services.GetRequiredService<IWizardStateStore>().ListAsync(cancellationToken);
            state = runs.FirstOrDefault(r => !r.Undone) ?? state;
        }

        Attach(state);
        answers.ApplyTo(state, null);
        WizardSecrets.Wipe(state);
        Out.Write(format == "json" ? ExportBuilder.JsonReport(state) + Environment.NewLine : ExportBuilder.CliScript(state));
        Out.Flush();
        return CliExitCodes.Done;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Where the run moved PBS's default realm flag (journal id "previous|new", see ResourceKind.PbsDefaultRealm).</summary>
    private static List<(string Previous, string Next)> DefaultRealmMoves(WizardState run) =>
        run.ChangedByRun(ResourceKind.PbsDefaultRealm)
            .Select(id => id.Split('|'))
            .Select(parts => (parts[0], parts.Length > 1 ? parts[1] : string.Empty))
            .ToList();

    private bool TryLoadAnswers(CliArguments options, bool requireSecrets, [NotNullWhen(true)] out ValidAnswers? answers)
    {
        answers = null;
        if (!ReportArgumentErrors(options))
        {
            return false;
        }

        var (loaded, errors) = AnswersReader.Load(options.Value("--answers")!, _console.Environment, requireSecrets);
        if (loaded is null)
        {
            Err.WriteLine($"The answers file has {errors.Count} problem(s); nothing was touched:");
            foreach (var error in errors)
            {
                Err.WriteLine($"  {error}");
            }

            Err.Flush();
            return false;
        }

        answers = loaded;
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

        return true;
    }

    private bool ReportArgumentErrors(CliArguments options)
    {
        if (options.Errors.Count == 0)
        {
            return true;
        }

        foreach (var error in options.Errors)
        {
            Err.WriteLine(error);
        }

        Err.Flush();
        return false;
    }

    /// <summary>The steps' own pure checks, before any server is touched; their errors are answer errors (exit 2).</summary>
    private bool CheckSteps(WizardSession session)
    {
        var errors = new List<string>();
        foreach (var step in session.Steps.Where(s => s.Id is WizardStepId.PocketIdConnection or WizardStepId.PbsConnection or WizardStepId.OidcClient))
        {
            errors.AddRange(session.Validate(step.Id).Select(e => $"{step.Title}: {e}"));
        }

        if (errors.Count == 0)
        {
            return true;
        }

        Err.WriteLine($"The answers file has {errors.Count} problem(s); nothing was touched:");
        foreach (var error in errors)
        {
            Err.WriteLine($"  {error}");
        }

        return false;
    }

    private void PrintFailure(IWizardStep step, StepOutcome outcome)
    {
        Err.WriteLine($"{step.Title} failed: {outcome.Message}");
        foreach (var error in outcome.Errors.Where(e => e.Message != outcome.Message))
        {
            Err.WriteLine($"  {error}");
        }

        Err.Flush();
    }

    private void PrintPlanTable(IReadOnlyList<(IWizardStep Step, PlannedChange Change)> changes)
    {
        if (changes.Count == 0)
        {
            Out.WriteLine("Nothing to plan.");
            return;
        }

        var stepWidth = Math.Max(4, changes.Max(c => c.Step.Title.Length));
        var resourceWidth = Math.Max(8, changes.Max(c => c.Change.Resource.Length));
        Out.WriteLine($"{"STEP".PadRight(stepWidth)}  {"CHANGE",-8}  {"RESOURCE".PadRight(resourceWidth)}  DESCRIPTION");
        foreach (var (step, change) in changes)
        {
            Out.WriteLine($"{step.Title.PadRight(stepWidth)}  {change.Kind,-8}  {change.Resource.PadRight(resourceWidth)}  {change.Description}");
        }

        var create = changes.Count(c => c.Change.Kind == ChangeKind.Create);
        var update = changes.Count(c => c.Change.Kind == ChangeKind.Update);
        Out.WriteLine(create + update == 0
            ? "No change: everything is already in place."
            : $"{create} to create, {update} to update, {changes.Count - create - update} unchanged.");
    }

    private void PrintSummary(WizardState state)
    {
        Out.WriteLine($"  PBS realm {state.Realm.Name} → Pocket ID client {state.Results.ClientId ?? "(none)"} at {state.Results.Issuer ?? state.PocketId.Url}");
        foreach (var grant in state.Permissions.Grants)
        {
            Out.WriteLine($"  {grant.User}: {grant.Role} on {grant.Path}");
        }

        Out.WriteLine("  Sign in at " + ExportBuilder.PbsOrigin(state.Pbs.Url) + $" with realm {state.Realm.Name}.");
    }

    private static bool NeedsTotp(StepOutcome outcome) =>
        outcome.Errors.Any(e => e.Field == nameof(PbsConnectionInput.TotpCode));

    private static string RunState(WizardState run) =>
        run.Undone ? "undone" : run.Completed ? "completed" : run.Abandoned ? "abandoned" : "active";

    private static string Display(string url) => url.Length == 0 ? "(not set)" : url;

    private void Attach(WizardState state) => _state = state;

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

    private sealed record PlanJson([property: JsonPropertyName("changes")] IReadOnlyList<PlanJsonChange> Changes);

    private sealed record PlanJsonChange(
        [property: JsonPropertyName("kind")] ChangeKind Kind,
        [property: JsonPropertyName("resource")] string Resource,
        [property: JsonPropertyName("description")] string Description);

    /// <summary>Prints what a step does as it happens: its plan, what it created, and its verification.</summary>
    private sealed class ProgressPrinter(WizardSession session, TextWriter output)
    {
        private WizardStepId _step;
        private StepStatus _lastStatus;
        private bool _begun;

        // What an earlier attempt of a resumed run journaled was listed under the "Resuming run" header already.
        private int _journalSeen = session.State.Journal.Count;

        public int Created { get; private set; }

        public int Updated { get; private set; }

        public void Begin(WizardStepId step)
        {
            _begun = true;
            _step = step;
            _lastStatus = session.StatusOf(step);
            _journalSeen = session.State.Journal.Count;
        }

        public void OnChanged()
        {
            if (!_begun)
            {
                // Moving to the first step before it runs: nothing of this attempt to report yet.
                return;
            }

            var status = session.StatusOf(_step);
            foreach (var entry in session.State.Journal.Skip(_journalSeen))
            {
                if (entry.Outcome is JournalOutcome.Done or JournalOutcome.Undone or JournalOutcome.Failed)
                {
                    output.WriteLine($"    {entry.Outcome.ToString().ToLowerInvariant()}: {entry.Action} {ResourceDescriber.Describe(entry, session.State)}" + (entry.Detail is { Length: > 0 } d ? $" ({d})" : string.Empty));
                }
            }

            _journalSeen = session.State.Journal.Count;
            if (status == _lastStatus)
            {
                return;
            }

            _lastStatus = status;
            switch (status)
            {
                case StepStatus.Planned when session.PlanOf(_step) is { } plan:
                    foreach (var change in plan.Changes)
                    {
                        output.WriteLine($"  {Mark(change.Kind)} {change.Kind}: {change.Resource} — {change.Description}");
                        Created += change.Kind == ChangeKind.Create ? 1 : 0;
                        Updated += change.Kind == ChangeKind.Update ? 1 : 0;
                    }

                    break;
                case StepStatus.Applied when session.PlanOf(_step)?.HasChanges == true:
                    output.WriteLine("  applied");
                    break;
                case StepStatus.Verified:
                    output.WriteLine("  verified" + (session.OutcomeOf(_step)?.Message is { Length: > 0 } m ? $": {m}" : string.Empty));
                    break;
            }

            output.Flush();
        }

        private static char Mark(ChangeKind kind) => kind switch
        {
            ChangeKind.Create => '+',
            ChangeKind.Update => '~',
            _ => '=',
        };
    }
}

internal static class PlanPreviewExtensions
{
    /// <summary>Every planned change of a whole-run preview, with the step it belongs to.</summary>
    public static IReadOnlyList<(IWizardStep Step, PlannedChange Change)> AllChanges(this IReadOnlyList<(IWizardStep Step, StepPlan? Plan, StepOutcome? Failure)> preview) =>
        preview.Where(p => p.Plan is not null).SelectMany(p => p.Plan!.Changes.Select(c => (p.Step, c))).ToList();
}
