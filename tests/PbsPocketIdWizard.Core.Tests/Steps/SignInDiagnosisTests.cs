using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Simulators.Faults;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// The pause tells a sign-in that Pocket ID let through but PBS could not finish: Pocket ID's audit log shows the
/// authorization of the run's client, and PBS has no user for it some seconds later.
/// </summary>
public sealed class SignInDiagnosisTests
{
    private static async Task<WizardState> ThroughRealmAsync(SimulatorHost host)
    {
        var state = host.NewState();
        foreach (var step in host.Steps.Where(s => s.Id <= WizardStepId.PbsRealm))
        {
            await host.RunStepOkAsync(step, state);
        }

        return state;
    }

    [Fact]
    public async Task Watch_TokenExchangeFails_TellsThatPbsCouldNotFinishTheLoginAndWhy()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        var told = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = host.Engine.GetRequiredService<SignInWatcher>().WatchAsync(state, _ => Task.CompletedTask, null,
            diagnosis => { told.TrySetResult(diagnosis); return Task.CompletedTask; }, stop.Token);

        host.PbsFaults.Add(new FaultRule { Method = "POST", Path = "idp:token", Drop = true });
        await Assert.ThrowsAnyAsync<Exception>(() => host.SignInThroughPbsAsync("PocketID"));
        var diagnosis = await told.Task.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await watch;

        Assert.StartsWith("Pocket ID let alice through to PBS, but PBS has no user alice@PocketID: PBS could not finish the login.", diagnosis, StringComparison.Ordinal);
        Assert.Contains("token endpoint", diagnosis, StringComparison.Ordinal);
        Assert.Contains("clock", diagnosis, StringComparison.Ordinal);
        Assert.Contains("client key", diagnosis, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\.md\b|§", diagnosis);
        Assert.Empty(state.Results.DetectedUsers);
    }

    [Fact]
    public async Task Check_SignInThatPbsFinished_DiagnosesNothing()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughRealmAsync(host);
        var since = DateTimeOffset.UtcNow;
        Assert.Equal("alice@PocketID", await host.SignInThroughPbsAsync("PocketID"));
        await Task.Delay(SignInDiagnosis.Grace + TimeSpan.FromSeconds(1));

        var handled = new HashSet<string>();
        var diagnoses = await host.Engine.GetRequiredService<SignInDiagnosis>()
            .CheckAsync(state, since, host.Pbs.Users.Select(u => u.UserId).ToList(), handled, CancellationToken.None);

        Assert.Empty(diagnoses);
        Assert.Single(handled);
    }
}
