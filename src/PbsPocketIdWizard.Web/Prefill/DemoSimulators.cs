using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Core.Clients;

namespace PbsPocketIdWizard.Web.Prefill;

/// <summary>What demo mode pre-fills: the simulators' addresses and credentials, and the PBS certificate fingerprint.</summary>
public sealed record DemoEnvironment(Uri PocketIdUrl, string PocketIdApiKey, Uri PbsUrl, string PbsUsername, string PbsPassword, string PbsFingerprint);

/// <summary>
/// Demo mode: both simulators in-process, each on its own origin (PBS over HTTPS with a self-signed certificate, so
/// trusting its fingerprint is real), started with the app and stopped with it. In demo mode they are the only servers
/// the engine may talk to (<see cref="IServerAddressPolicy"/>): real servers need live mode, chosen at start.
/// </summary>
public sealed class DemoSimulators(IOptions<WizardOptions> options, ILogger<DemoSimulators> logger) : IHostedService, IServerAddressPolicy
{
    public const string PbsUsername = "root@pam";

    private Task? _starting;
    private SimulatorServers? _servers;

    public bool IsEnabled => options.Value.EffectiveMode == WizardMode.Demo;

    /// <summary>Null until the simulators run (and always outside demo mode).</summary>
    public DemoEnvironment? Environment { get; private set; }

    /// <summary>The running servers (tests arm faults through their state).</summary>
    public SimulatorServers? Servers => _servers;

    /// <summary>
    /// Starts both simulators on the thread pool and returns at once: the host starts its hosted services concurrently
    /// (<see cref="WebHostingExtensions.AddWizardWeb"/>), so Kestrel comes up while the simulators do, and the host's
    /// start still fails when theirs does. The first page waits for them through <see cref="WhenStartedAsync"/>.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return Task.CompletedTask;
        }

        return _starting = Task.Run(() => StartServersAsync(cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Completes when the simulators run, at once when nothing starts them (live mode, or no host); fails when they
    /// could not start. The host calls <see cref="StartAsync"/> before Kestrel listens, so no page comes earlier.
    /// </summary>
    public Task WhenStartedAsync(CancellationToken cancellationToken) =>
        _starting is { } starting ? starting.WaitAsync(cancellationToken) : Task.CompletedTask;

    private async Task StartServersAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _servers = await SimulatorServers.StartAsync(new SimulatorServersOptions
        {
            Host = o.Simulators.BindAddress,
            PublicHost = o.PublicHost,
            PbsPort = o.Simulators.PbsPort,
            PocketIdPort = o.Simulators.PocketIdPort,
        }, cancellationToken);
        Environment = new DemoEnvironment(
            _servers.PocketIdUrl, _servers.PocketIdApiKey, _servers.PbsUrl, PbsUsername, _servers.PbsRootPassword, _servers.PbsFingerprint);
        logger.LogInformation("Demo mode: PBS simulator at {PbsUrl}, Pocket ID simulator at {PocketIdUrl}", _servers.PbsUrl, _servers.PocketIdUrl);
    }

    /// <summary>Outside demo mode every address may be used; in demo mode only the simulators' own.</summary>
    public string? Refusal(StepTarget server, string? url)
    {
        if (!IsEnabled)
        {
            return null;
        }

        var simulator = server == StepTarget.Pbs ? Environment?.PbsUrl : Environment?.PocketIdUrl;
        if (simulator is not null && OriginOf(server, url) is { } origin && origin == OriginOf(server, simulator.ToString()))
        {
            return null;
        }

        var name = server == StepTarget.Pbs ? "PBS" : "Pocket ID";
        return simulator is null
            ? $"Demo mode talks only to its built-in simulators, and they are not running. For a real {name}, start the wizard in live mode (Wizard__Mode=Live)."
            : $"Demo mode talks only to its built-in {name} simulator at {simulator.GetLeftPart(UriPartial.Authority)}. For a real {name}, start the wizard in live mode (Wizard__Mode=Live).";
    }

    /// <summary>scheme://host:port as the engine would call it (PBS: https and port 8007 assumed), or null.</summary>
    private static string? OriginOf(StepTarget server, string? url)
    {
        if (server == StepTarget.Pbs)
        {
            return PbsAddress.TryParse(url, out var address, out _) ? address.BaseUrl : null;
        }

        return Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}" : null;
    }

    /// <summary>Both simulators back to their seed data, with no armed faults.</summary>
    public void Reset()
    {
        if (_servers is null)
        {
            return;
        }

        _servers.PbsState.Faults.Clear();
        _servers.PbsState.Requests.Clear();
        _servers.PbsState.Reset();
        _servers.PocketIdState.Faults.Clear();
        _servers.PocketIdState.Requests.Clear();
        _servers.PocketIdState.Reset();
        logger.LogInformation("Demo simulators reset to their seed data");
    }

    /// <summary>Stops both simulators with the host (no other owner disposes them).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var servers = Interlocked.Exchange(ref _servers, null);
        if (servers is not null)
        {
            await servers.DisposeAsync();
        }
    }
}
