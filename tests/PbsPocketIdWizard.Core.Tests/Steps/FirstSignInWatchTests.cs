using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// The pause's one watcher per run: a PBS user listing every 2 s (start to start), however long the pause and however
/// many tabs wait on it, and none once nobody waits (TimeProvider-driven, against the PBS simulator).
/// </summary>
public sealed class FirstSignInWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WatchAsync_LongQuietPause_PollsEveryTwoSecondsAndSeesANewUserAtTheNextPoll()
    {
        var clock = new CountingClock(Start);
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        var state = RunState(host);
        var tab = new Tab();
        using var stop = new CancellationTokenSource();

        var watch = Watcher(host).WatchAsync(state, tab.OnUser, null, stop.Token);
        await WaitForPollsAsync(host, 1);
        await WaitUntilAsync(() => clock.Timers >= 1);
        // Five minutes of nothing: still exactly one listing per 2 s, never sooner (0.5 requests per second).
        for (var poll = 1; poll <= 150; poll++)
        {
            await AdvanceOnePollAsync(host, clock, poll);
        }

        // PBS creates the user (the first sign-in): the very next listing, at most 2 s later, reports it once.
        host.Pbs.AddUser("alice@PocketID", email: "alice@example.com");
        host.Pbs.AddUser("carol@pbs");
        await AdvanceOnePollAsync(host, clock, 151);
        await WaitUntilAsync(() => tab.Count == 1);
        await AdvanceOnePollAsync(host, clock, 152);

        await stop.CancelAsync();
        await watch;
        var user = Assert.Single(tab.Users);
        Assert.Equal("alice@PocketID", user.UserId);
        Assert.Equal("alice@example.com", user.Email);
        Assert.Equal(["alice@PocketID"], state.Results.DetectedUsers.Select(u => u.UserId));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task WatchAsync_SeveralTabsOfOneRun_SendTheSameRequestRateAsOne(int tabs)
    {
        var clock = new CountingClock(Start);
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        var runId = Guid.NewGuid();
        var open = Enumerable.Range(0, tabs).Select(_ => new Tab()).ToList();
        using var stop = new CancellationTokenSource();

        // Each tab (Blazor circuit) loads its own copy of the run's state.
        var watches = open.Select(tab => Watcher(host).WatchAsync(RunState(host, runId), tab.OnUser, null, stop.Token)).ToList();
        await WaitForPollsAsync(host, 1);
        await WaitUntilAsync(() => clock.Timers >= 1);
        Assert.Equal(1, Watcher(host).ActiveWatches);
        for (var poll = 1; poll <= 10; poll++)
        {
            await AdvanceOnePollAsync(host, clock, poll);
        }

        host.Pbs.AddUser("alice@PocketID");
        await AdvanceOnePollAsync(host, clock, 11);
        await WaitUntilAsync(() => open.All(t => t.Count == 1));

        await stop.CancelAsync();
        await Task.WhenAll(watches);
        // 12 listings in 22 s, whether one, two or three tabs wait: the rate of a single tab.
        Assert.Equal(12, Polls(host));
        Assert.All(open, t => Assert.Equal("alice@PocketID", Assert.Single(t.Users).UserId));
        Assert.Equal(0, Watcher(host).ActiveWatches);
    }

    [Fact]
    public async Task WatchAsync_TabOpenedLater_GetsTheUsersSeenBeforeWithoutAnExtraListing()
    {
        var clock = new CountingClock(Start);
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        host.Pbs.AddUser("alice@PocketID");
        var runId = Guid.NewGuid();
        var first = new Tab();
        var second = new Tab();
        var events = new List<string>();
        using var stop = new CancellationTokenSource();

        var watchFirst = Watcher(host).WatchAsync(RunState(host, runId), first.OnUser, null, stop.Token);
        await WaitUntilAsync(() => first.Count == 1);
        var watchSecond = Watcher(host).WatchAsync(RunState(host, runId), second.OnUser, () => { lock (events) { events.Add("first poll"); } }, stop.Token);
        await WaitUntilAsync(() => second.Count == 1);
        await WaitUntilAsync(() => { lock (events) { return events.Count == 1; } });

        Assert.Equal(1, Polls(host));
        await stop.CancelAsync();
        await Task.WhenAll(watchFirst, watchSecond);
    }

    [Fact]
    public async Task WatchAsync_LastTabLeaves_StopsPolling()
    {
        var clock = new CountingClock(Start);
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        var runId = Guid.NewGuid();
        using var leaves = new CancellationTokenSource();
        using var stays = new CancellationTokenSource();

        var leaving = Watcher(host).WatchAsync(RunState(host, runId), new Tab().OnUser, null, leaves.Token);
        var staying = Watcher(host).WatchAsync(RunState(host, runId), new Tab().OnUser, null, stays.Token);
        await WaitForPollsAsync(host, 1);
        await WaitUntilAsync(() => clock.Timers >= 1);
        await leaves.CancelAsync();
        await leaving;
        await AdvanceOnePollAsync(host, clock, 1);
        await stays.CancelAsync();
        await staying;

        var polls = Polls(host);
        clock.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.Equal(polls, Polls(host));
        Assert.Equal(0, Watcher(host).ActiveWatches);
    }

    [Fact]
    public async Task WatchAsync_UserAlreadyThere_IsReportedBeforeTheFirstPollSignalWhichComesOnce()
    {
        var clock = new CountingClock(Start);
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        host.Pbs.AddUser("carol@PocketID");
        var events = new List<string>();
        using var stop = new CancellationTokenSource();

        var watch = Watcher(host).WatchAsync(
            RunState(host),
            user =>
            {
                lock (events)
                {
                    events.Add("user " + user.UserId);
                }

                return Task.CompletedTask;
            },
            () =>
            {
                lock (events)
                {
                    events.Add("first poll");
                }
            },
            stop.Token);

        await WaitUntilAsync(() => clock.Timers >= 1);
        await AdvanceOnePollAsync(host, clock, 1);
        await stop.CancelAsync();
        await watch;

        lock (events)
        {
            Assert.Equal(["user carol@PocketID", "first poll"], events);
        }
    }

    private static SignInWatcher Watcher(SimulatorHost host) => host.Engine.GetRequiredService<SignInWatcher>();

    private static WizardState RunState(SimulatorHost host, Guid? runId = null)
    {
        var state = host.NewState();
        state.RunId = runId ?? state.RunId;
        state.Realm.Name = "PocketID";
        return state;
    }

    /// <summary>Moves the clock to the next listing: nothing 100 ms before it, exactly one more at it.</summary>
    private static async Task AdvanceOnePollAsync(SimulatorHost host, CountingClock clock, int poll)
    {
        clock.Advance(SignInWatcher.PollInterval - TimeSpan.FromMilliseconds(100));
        await Task.Delay(20);
        Assert.Equal(poll, Polls(host));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await WaitForPollsAsync(host, poll + 1);
        // The loop is waiting again once it has asked the clock for its next delay.
        await WaitUntilAsync(() => clock.Timers >= poll + 1);
        Assert.Equal(poll + 1, Polls(host));
    }

    /// <summary>One browser tab's view of the pause: the users it was told about.</summary>
    private sealed class Tab
    {
        private readonly List<DetectedUser> _users = [];

        public int Count
        {
            get
            {
                lock (_users)
                {
                    return _users.Count;
                }
            }
        }

        public IReadOnlyList<DetectedUser> Users
        {
            get
            {
                lock (_users)
                {
                    return [.. _users];
                }
            }
        }

        public Task OnUser(DetectedUser user)
        {
            lock (_users)
            {
                _users.Add(user);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A fake clock that counts the timers asked of it (one per wait of the watch loop).</summary>
    private sealed class CountingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }

    private static int Polls(SimulatorHost host) =>
        host.Pbs.Requests.Snapshot().Count(r => r.Method == "GET" && r.Path == "/api2/json/access/users");

    private static Task WaitForPollsAsync(SimulatorHost host, int count) => WaitUntilAsync(() => Polls(host) >= count);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Real-time wait for the watch loop's continuation (the fake clock only releases its delay).
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "the watch did not poll in time");
            await Task.Delay(10);
        }
    }
}
