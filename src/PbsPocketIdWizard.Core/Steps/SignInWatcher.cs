using System.Threading.Channels;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// The pause of the first sign-in, modelled once for the web page and the CLI: one poller per run (run, PBS, realm),
/// however many browser tabs or commands wait on it. It lists PBS's users every <see cref="PollInterval"/> (start to
/// start, so at most 0.5 requests per second and a new user seen at most 2 s after PBS created it, also long into the
/// pause), tells every subscriber about each user of the realm it has not seen yet, and stops when nobody waits. Every
/// <see cref="DiagnosisEvery"/>th listing it also asks Pocket ID's audit log whether a sign-in was let through that PBS
/// never finished (<see cref="SignInDiagnosis"/>) and tells every subscriber why.
/// </summary>
public sealed class SignInWatcher(ApiClientFactory clients, SignInDiagnosis diagnosis, TimeProvider time)
{
    /// <summary>One PBS user listing per 2 s: quick enough to show a sign-in within 2 s, gentle enough for any PBS.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>One audit log read per two listings (4 s): a failed login is told within about 10 s.</summary>
    public const int DiagnosisEvery = 2;

    private readonly Lock _gate = new();
    private readonly Dictionary<WatchKey, RealmWatch> _watches = [];

    /// <summary>How many pollers run now (one per run being waited on); for tests and diagnostics.</summary>
    public int ActiveWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>
    /// Waits on the run's poller until cancelled: each user of the run's realm that <paramref name="state"/> has not
    /// recorded yet is added to its Results.DetectedUsers and passed to <paramref name="onNewUser"/>, in order;
    /// <paramref name="onFirstPoll"/> runs once, after the first listing that succeeded (whoever was reported before it
    /// was in PBS before the watch). Transient PBS failures only delay the next listing; any other failure ends the
    /// wait with that exception.
    /// </summary>
    public Task WatchAsync(WizardState state, Func<DetectedUser, Task> onNewUser, Action? onFirstPoll, CancellationToken cancellationToken) =>
        WatchAsync(state, onNewUser, onFirstPoll, null, cancellationToken);

    /// <summary>
    /// As above; <paramref name="onFailedSignIn"/> is told, once each, of every sign-in Pocket ID let through since the
    /// watch began for which PBS has no user some seconds later (why PBS could not finish it, in the admin's words).
    /// </summary>
    public async Task WatchAsync(WizardState state, Func<DetectedUser, Task> onNewUser, Action? onFirstPoll, Func<string, Task>? onFailedSignIn, CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(state, onNewUser, onFirstPoll, onFailedSignIn);
        var watch = Subscribe(state, subscriber);
        try
        {
            await subscriber.DeliverAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped waiting (tab closed, user picked, CLI done or timed out).
        }
        finally
        {
            Unsubscribe(watch, subscriber);
        }
    }

    private RealmWatch Subscribe(WizardState state, Subscriber subscriber)
    {
        var key = new WatchKey(state.RunId, PbsAddress.OriginOf(state.Pbs.Url), state.Realm.Name);
        lock (_gate)
        {
            if (!_watches.TryGetValue(key, out var watch))
            {
                var connection = state.Pbs;
                var since = time.GetUtcNow();
                var handled = new HashSet<string>(StringComparer.Ordinal);
                watch = new RealmWatch(key, () => clients.CreatePbs(connection),
                    (users, ct) => diagnosis.CheckAsync(state, since, users, handled, ct), time, Forget);
                _watches[key] = watch;
                watch.Start();
            }

            watch.Add(subscriber);
            return watch;
        }
    }

    private void Unsubscribe(RealmWatch watch, Subscriber subscriber)
    {
        lock (_gate)
        {
            if (watch.Remove(subscriber) == 0)
            {
                Forget(watch);
                watch.Stop();
            }
        }
    }

    /// <summary>Drops the poller from the table, unless a newer poller of the same run has taken its place.</summary>
    private void Forget(RealmWatch watch)
    {
        lock (_gate)
        {
            if (_watches.TryGetValue(watch.Key, out var current) && ReferenceEquals(current, watch))
            {
                _watches.Remove(watch.Key);
            }
        }
    }

    private readonly record struct WatchKey(Guid RunId, string PbsOrigin, string Realm);

    /// <summary>What one waiter is told, in order: users, then (once) that the first listing is complete.</summary>
    private abstract record Notice;

    private sealed record UserNotice(DetectedUser User) : Notice;

    private sealed record FirstPollNotice : Notice;

    private sealed record FailedSignInNotice(string Diagnosis) : Notice;

    /// <summary>One waiter: its own queue, so a slow browser tab never holds up the poller or the other tabs.</summary>
    private sealed class Subscriber(WizardState state, Func<DetectedUser, Task> onNewUser, Action? onFirstPoll, Func<string, Task>? onFailedSignIn)
    {
        private readonly Channel<Notice> _queue = Channel.CreateUnbounded<Notice>(new() { SingleReader = true });

        public void Post(Notice notice) => _queue.Writer.TryWrite(notice);

        public void Fail(Exception error) => _queue.Writer.TryComplete(error);

        public async Task DeliverAsync(CancellationToken cancellationToken)
        {
            await foreach (var notice in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (notice is FirstPollNotice)
                {
                    onFirstPoll?.Invoke();
                    continue;
                }

                if (notice is FailedSignInNotice failed)
                {
                    if (onFailedSignIn is not null)
                    {
                        await onFailedSignIn(failed.Diagnosis);
                    }

                    continue;
                }

                var user = ((UserNotice)notice).User;
                if (state.Results.DetectedUsers.Any(u => u.UserId == user.UserId))
                {
                    continue;
                }

                state.Results.DetectedUsers.Add(user);
                await onNewUser(user);
            }
        }
    }

    /// <summary>The poller of one run: lists PBS's users, remembers the realm's, and tells every subscriber.</summary>
    private sealed class RealmWatch(
        WatchKey key, Func<PbsClient> connect, Func<IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlyList<string>>> diagnose,
        TimeProvider time, Action<RealmWatch> forget)
    {
        private readonly Lock _gate = new();
        private readonly List<Subscriber> _subscribers = [];
        private readonly List<DetectedUser> _seen = [];
        private readonly List<string> _failedSignIns = [];
        private readonly CancellationTokenSource _stop = new();
        private bool _firstPollDone;

        public WatchKey Key => key;

        public void Start() => _ = Task.Run(() => PollAsync(_stop.Token));

        /// <summary>Ends the polling; the token source is not disposed, as the loop may still be reading it.</summary>
        public void Stop() => _stop.Cancel();

        /// <summary>Adds a waiter and replays what this poller already saw, so a tab opened late misses nothing.</summary>
        public void Add(Subscriber subscriber)
        {
            lock (_gate)
            {
                _subscribers.Add(subscriber);
                foreach (var user in _seen)
                {
                    subscriber.Post(new UserNotice(user));
                }

                if (_firstPollDone)
                {
                    subscriber.Post(new FirstPollNotice());
                }

                _failedSignIns.ForEach(d => subscriber.Post(new FailedSignInNotice(d)));
            }
        }

        /// <summary>Removes a waiter; returns how many are left.</summary>
        public int Remove(Subscriber subscriber)
        {
            lock (_gate)
            {
                _subscribers.Remove(subscriber);
                return _subscribers.Count;
            }
        }

        private async Task PollAsync(CancellationToken stop)
        {
            // Every listing goes to PBS, even when an action that keeps its reads (ReadCache) started the watch.
            ReadCache.Leave();
            try
            {
                var client = connect();
                for (var poll = 1; !stop.IsCancellationRequested; poll++)
                {
                    var started = time.GetTimestamp();
                    try
                    {
                        var users = await client.ListUsersAsync(stop);
                        Publish(users);
                        if (poll % DiagnosisEvery == 0)
                        {
                            PublishFailedSignIns(await diagnose(users.Select(u => u.UserId).ToHashSet(StringComparer.Ordinal), stop));
                        }
                    }
                    catch (ExternalApiException)
                    {
                        // PBS or Pocket ID busy or briefly unreachable: keep watching at the same gentle pace.
                    }

                    var wait = PollInterval - time.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, time, stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Nobody waits any more.
            }
            catch (Exception ex)
            {
                // Not a passing PBS hiccup (e.g. the PBS session needs a second factor again): every waiter learns why.
                forget(this);
                lock (_gate)
                {
                    _subscribers.ForEach(s => s.Fail(ex));
                }
            }
        }

        private void Publish(IReadOnlyList<PbsUser> users)
        {
            lock (_gate)
            {
                foreach (var user in users.Where(u => u.Realm == key.Realm && !_seen.Any(s => s.UserId == u.UserId)))
                {
                    var detected = ToDetected(user);
                    _seen.Add(detected);
                    _subscribers.ForEach(s => s.Post(new UserNotice(detected)));
                }

                if (!_firstPollDone)
                {
                    _firstPollDone = true;
                    _subscribers.ForEach(s => s.Post(new FirstPollNotice()));
                }
            }
        }

        private void PublishFailedSignIns(IReadOnlyList<string> diagnoses)
        {
            lock (_gate)
            {
                foreach (var text in diagnoses)
                {
                    _failedSignIns.Add(text);
                    _subscribers.ForEach(s => s.Post(new FailedSignInNotice(text)));
                }
            }
        }

        private DetectedUser ToDetected(PbsUser user)
        {
            var name = string.Join(' ', new[] { user.FirstName, user.LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
            return new DetectedUser(user.UserId, user.Email, name.Length == 0 ? null : name, time.GetUtcNow());
        }
    }
}
