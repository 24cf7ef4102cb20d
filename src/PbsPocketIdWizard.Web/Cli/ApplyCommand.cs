using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// `apply`: makes the changes step by step and prints each as it happens; pauses for the first sign-in; resumes an
/// interrupted run; asks before changing anything unless --yes or no terminal.
/// </summary>
internal sealed class ApplyCommand(EngineCommandContext context, TimeSpan signInGracePeriod)
{
    private TextWriter Out => context.Out;

    public async Task<int> RunAsync(ApplyOptions options, CancellationToken cancellationToken)
    {
        if (await context.LoadAnswersAsync(options.AnswersPath, requireSecrets: true) is not { } answers)
        {
            return CliExitCodes.InvalidAnswers;
        }

        // One apply per data directory: two processes applying one run would interleave their changes.
        var dataDirectory = context.DataDirectory(options.DataDirectory);
        using var applyLock = new WizardDataDirectory(dataDirectory).TryLockForApply();
        if (applyLock is null)
        {
            context.Err.WriteLine($"Another process is applying a run in {Path.GetFullPath(dataDirectory)}. Wait for it to finish (or stop it), then run apply again.");
            return CliExitCodes.Failed;
        }

        try
        {
            await using var services = context.BuildServices(dataDirectory);
            await using var scope = services.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<WizardSession>();
            await session.LoadOrStartAsync(cancellationToken);
            context.Attach(session.State);
            var resumed = session.State.Statuses.Values.Any(s => s != StepStatus.NotStarted);
            answers.ApplyTo(session.State, options.Totp);
            foreach (var step in session.Steps)
            {
                session.NotifyInputsChanged(step.Id);
            }

            if (!context.CheckSteps(session))
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
                    Out.WriteLine($"    done: {ProgressPrinter.Describe(entry, session.State)}");
                }
            }

            // The whole run is planned first, also with --yes: a conflict with what exists (a realm with another
            // username claim, a name taken by another realm type) stops it before anything is written on either server.
            // Other failures are left to the steps themselves (they ask for a TOTP code, name the server at fault).
            var preview = await session.PlanAllAsync(cancellationToken);
            var failed = preview.FirstOrDefault(p => p.Failure is not null);
            if (failed.Failure is { IsConflict: true } conflict)
            {
                context.PrintFailure(failed.Step, conflict);
                Out.WriteLine("Nothing was changed on Pocket ID or PBS.");
                return CliExitCodes.Conflict;
            }

            var tableShown = !options.Yes && context.Console.IsInteractive;
            if (tableShown)
            {
                if (failed.Failure is { } failure)
                {
                    context.PrintFailure(failed.Step, failure);
                    return CliExitCodes.Failed;
                }

                PlanTablePrinter.Print(Out, preview.AllChanges());
                if (!context.Console.Confirm("Apply these changes to Pocket ID and PBS?"))
                {
                    Out.WriteLine("Nothing was changed.");
                    return CliExitCodes.Done;
                }
            }

            var signIn = new SignInWait(context, scope.ServiceProvider.GetService<WatchForUsers>(), signInGracePeriod);
            return await RunAllStepsAsync(session, answers, signIn, options.WaitTimeout, options.Totp is null, tableShown, cancellationToken);
        }
        finally
        {
            Out.Flush();
            context.Err.Flush();
        }
    }

    private async Task<int> RunAllStepsAsync(WizardSession session, ValidAnswers answers, SignInWait signIn, TimeSpan waitTimeout, bool mayPromptTotp, bool tableShown, CancellationToken cancellationToken)
    {
        var progress = new ProgressPrinter(session, Out) { PlanTableShown = tableShown };
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

                if (step.Kind == StepKind.Pause)
                {
                    var waited = await signIn.WaitAsync(session, answers.PermissionUsers, waitTimeout, cancellationToken);
                    if (waited != CliExitCodes.Done)
                    {
                        return waited;
                    }
                }

                var outcome = await session.RunCurrentStepAsync(cancellationToken);
                if (!outcome.Succeeded && mayPromptTotp && context.Console.IsInteractive && NeedsTotp(outcome))
                {
                    session.State.Pbs.TotpCode = context.Console.Prompt($"PBS asks for a second factor: TOTP code or recovery key for {session.State.Pbs.Username}");
                    mayPromptTotp = false;
                    outcome = await session.RunCurrentStepAsync(cancellationToken);
                }

                if (!outcome.Succeeded)
                {
                    context.PrintFailure(step, outcome);
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

    private void PrintSummary(WizardState state)
    {
        Out.WriteLine($"  PBS realm {state.Realm.Name} → Pocket ID client {state.Results.ClientId ?? "(none)"} at {state.Results.Issuer ?? state.PocketId.Url}");
        foreach (var grant in state.Permissions.Grants)
        {
            Out.WriteLine($"  {grant.User}: {grant.Role} on {grant.Path}");
        }

        Out.WriteLine("  Sign in at " + PbsAddress.OriginOf(state.Pbs.Url) + $" with realm {state.Realm.Name}.");
    }

    private static bool NeedsTotp(StepOutcome outcome) =>
        outcome.Errors.Any(e => e.Field == nameof(PbsConnectionInput.TotpCode));
}
