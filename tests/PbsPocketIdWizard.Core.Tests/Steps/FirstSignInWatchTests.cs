using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>The pause polls PBS gently: 2 s, then 1.5× longer while nothing happens, at most 10 s (TimeProvider-driven).</summary>
public sealed class FirstSignInWatchTests
{
    [Fact]
    public async Task WatchForUsers_PollsEveryTwoSecondsThenBacksOffToTenAndResetsOnANewUser()
    {
        var clock = new CountingClock(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        var state = host.NewState();
        state.Realm.Name = "PocketID";
        var detected = new List<DetectedUser>();
        using var stop = new CancellationTokenSource();

        var watch = host.Step<FirstSignInStep>().WatchForUsersAsync(state, user =>
        {
            lock (detected)
            {
                detected.Add(user);
            }

            return Task.CompletedTask;
        }, stop.Token);

        await WaitForPollsAsync(host, 1);
        await WaitUntilAsync(() => clock.Timers >= 1);
        // Quiet polls: 2 s, 3 s, 4.5 s, 6.75 s, then capped at 10 s.
        foreach (var interval in new[] { 2.0, 3.0, 4.5, 6.75, 10.0, 10.0 })
        {
            var before = Polls(host);
            clock.Advance(TimeSpan.FromSeconds(interval) - TimeSpan.FromMilliseconds(100));
            await Task.Delay(150);
            Assert.Equal(before, Polls(host));
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await WaitForPollsAsync(host, before + 1);
            // The loop is waiting again once it has asked the clock for its next delay.
            await WaitUntilAsync(() => clock.Timers >= before + 1);
        }

        // A user appears (as PBS autocreates it at the first sign-in): reported once, and polling is quick again.
        host.Pbs.AddUser("alice@PocketID", email: "alice@example.com");
        host.Pbs.AddUser("carol@pbs");
        var polls = Polls(host);
        clock.Advance(TimeSpan.FromSeconds(10));
        await WaitForPollsAsync(host, polls + 1);
        await WaitUntilAsync(() => { lock (detected) { return detected.Count == 1; } });
        await WaitUntilAsync(() => clock.Timers >= polls + 1);
        clock.Advance(TimeSpan.FromSeconds(2));
        await WaitForPollsAsync(host, polls + 2);

        await stop.CancelAsync();
        await watch;
        var user = Assert.Single(detected);
        Assert.Equal("alice@PocketID", user.UserId);
        Assert.Equal("alice@example.com", user.Email);
        Assert.Equal(["alice@PocketID"], state.Results.DetectedUsers.Select(u => u.UserId));
    }

    [Fact]
    public async Task WatchForUsers_UserAlreadyThere_IsReportedBeforeTheFirstPollSignalWhichComesOnce()
    {
        var clock = new CountingClock(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { EngineTime = clock });
        host.Pbs.AddUser("carol@PocketID");
        var state = host.NewState();
        state.Realm.Name = "PocketID";
        var events = new List<string>();
        using var stop = new CancellationTokenSource();

        var watch = host.Step<FirstSignInStep>().WatchForUsersAsync(
            state,
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
        clock.Advance(TimeSpan.FromSeconds(2));
        await WaitForPollsAsync(host, 2);
        await WaitUntilAsync(() => clock.Timers >= 2);
        await stop.CancelAsync();
        await watch;

        lock (events)
        {
            Assert.Equal(["user carol@PocketID", "first poll"], events);
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
