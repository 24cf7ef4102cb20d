using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`status`: the active (or last) run: each step's status, what the run created, the users detected.</summary>
internal sealed class StatusCommand(EngineCommandContext context)
{
    private TextWriter Out => context.Out;

    public async Task<int> RunAsync(StatusOptions options, CancellationToken cancellationToken)
    {
        var dataDirectory = context.DataDirectory(options.DataDirectory);
        if (!EngineCommandContext.HasRuns(dataDirectory))
        {
            Out.WriteLine($"No runs yet in {Path.GetFullPath(dataDirectory)}.");
            return CliExitCodes.Done;
        }

        await using var services = context.BuildServices(dataDirectory);
        var store = services.GetRequiredService<IWizardStateStore>();
        var runs = await store.ListAsync(cancellationToken);
        if (runs.Count == 0)
        {
            Out.WriteLine($"No runs yet in {Path.GetFullPath(dataDirectory)}.");
            return CliExitCodes.Done;
        }

        var run = runs.FirstOrDefault(r => r.IsActive) ?? runs[0];
        context.Attach(run);
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

        foreach (var (previous, next) in EngineCommandContext.DefaultRealmMoves(run))
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

    private static string RunState(WizardState run) =>
        run.Undone ? "undone" : run.Completed ? "completed" : run.Abandoned ? "abandoned" : "active";

    private static string Display(string url) => url.Length == 0 ? "(not set)" : url;
}
