using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`undo`: removes what the runs created (never what existed before); without a terminal it needs --yes.</summary>
internal sealed class UndoCommand(EngineCommandContext context)
{
    private TextWriter Out => context.Out;

    private TextWriter Err => context.Err;

    public async Task<int> RunAsync(UndoOptions options, CancellationToken cancellationToken)
    {
        if (await context.LoadAnswersAsync(options.AnswersPath, requireSecrets: true) is not { } answers)
        {
            return CliExitCodes.InvalidAnswers;
        }

        var dataDirectory = context.DataDirectory(options.DataDirectory);
        if (!EngineCommandContext.HasRuns(dataDirectory))
        {
            Out.WriteLine($"Nothing to undo: no runs in {Path.GetFullPath(dataDirectory)}.");
            return CliExitCodes.Done;
        }

        await using var services = context.BuildServices(dataDirectory);
        var store = services.GetRequiredService<IWizardStateStore>();
        var runs = (await store.ListAsync(cancellationToken))
            .Where(r => !r.Undone && (Enum.GetValues<ResourceKind>().Any(kind => r.CreatedByRun(kind).Count > 0) || EngineCommandContext.DefaultRealmMoves(r).Count > 0))
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

            foreach (var (previous, _) in EngineCommandContext.DefaultRealmMoves(run))
            {
                Out.WriteLine($"    PBS default realm: {previous} becomes the default realm again (if it still exists and no other realm became default)");
            }
        }

        if (!options.Yes)
        {
            if (!context.Console.IsInteractive)
            {
                Err.WriteLine("undo: add --yes to remove these without a terminal to confirm.");
                return CliExitCodes.InvalidAnswers;
            }

            if (!context.Console.Confirm("Remove them from Pocket ID and PBS?"))
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
            context.Attach(session.State);
            answers.ApplyConnectionTo(session.State, options.Totp);
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
}
