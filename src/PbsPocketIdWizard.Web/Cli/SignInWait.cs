using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// apply's pause: shows where to sign in, prints each new user of the realm, and returns once every user named in the
/// permissions exists. Users already in PBS (a re-run) are found by the watch's first poll, within a short grace
/// period, before any instructions are printed. Exit code 4 when the wait times out (the run is kept; apply again
/// resumes here).
/// </summary>
internal sealed class SignInWait(EngineCommandContext context, WatchForUsers? watcher, TimeSpan gracePeriod)
{
    private TextWriter Out => context.Out;

    public async Task<int> WaitAsync(WizardSession session, IReadOnlyList<string> required, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = session.State;
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

        Task OnFailedSignIn(string diagnosis)
        {
            lock (gate)
            {
                Out.WriteLine($"    {diagnosis}");
                Out.Flush();
            }

            return Task.CompletedTask;
        }

        var watch = WatchQuietlyAsync(watcher, state, OnNewUser, OnFirstPoll, OnFailedSignIn, stop.Token);
        // The instructions wait for the first listing (users already there need none), but no longer than the grace period.
        await Task.WhenAny(allThere.Task, watch, firstPoll.Task, Task.Delay(gracePeriod, stop.Token));
        lock (gate)
        {
            if (!allThere.Task.IsCompleted)
            {
                announced = true;
                var names = string.Join(", ", required.Where(u => !seen.Contains(u)).Select(u => u[..u.LastIndexOf('@')]));
                Out.WriteLine($"  Waiting for the first sign-in (up to {timeout.TotalSeconds:0} s):");
                Out.WriteLine($"    open {PbsAddress.OriginOf(state.Pbs.Url)}, choose realm {state.Realm.Name}, click \"Login (OpenID redirect)\", sign in as {names} in Pocket ID");
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
        context.Err.WriteLine($"Timed out after {timeout.TotalSeconds:0} s waiting for {string.Join(", ", missing)} to sign in to PBS. The run is kept: run apply again to resume the wait.");
        return CliExitCodes.TimedOut;
    }

    private static async Task WatchQuietlyAsync(
        WatchForUsers watcher, WizardState state, Func<DetectedUser, Task> onNewUser, Action onFirstPoll, Func<string, Task> onFailedSignIn, CancellationToken cancellationToken)
    {
        try
        {
            await watcher(state, onNewUser, onFirstPoll, onFailedSignIn, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: everyone signed in, the wait timed out, or the command was interrupted.
        }
    }
}
