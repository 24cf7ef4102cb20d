using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Hosting;

/// <summary>
/// Reads the run journal once while Kestrel starts (hosted services start side by side, see
/// <see cref="WebHostingExtensions.AddWizardWeb"/>), so the first page finds SQLite loaded, its schema in place, the
/// Data Protection keys read and the run's JSON shape known to the serializer (a session copies its state before each
/// save), instead of waiting for all four. Only reads. A failure is logged and otherwise left to the page, which
/// reports a broken data directory as it always did.
/// </summary>
public sealed class JournalWarmup(IWizardStateStore store, ILogger<JournalWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            _ = WizardSecrets.Snapshot(new WizardState());
            await store.LoadActiveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Reading the run journal at start failed: {ErrorType} {Reason}", ex.GetType().Name, ex.Message);
        }
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
