using PbsPocketIdWizard.Core.Http;
namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// plan | doctor | apply | status | undo | export: the same <see cref="Core.Wizard.WizardSession"/> as the web wizard, driven
/// from a terminal or a script. Results go to standard output, logs and notes to standard error; no secret reaches
/// either. Each command is a class of its own; they share one <see cref="EngineCommandContext"/>. The options come
/// parsed and checked from <see cref="CliCommandLine"/>.
/// </summary>
public sealed class EngineCommandRunner
{
    public const int DefaultWaitTimeoutSeconds = EngineVerbs.DefaultWaitTimeoutSeconds;

    private readonly EngineCommandContext _context;

    public EngineCommandRunner(CliConsole console, Action<IServiceCollection>? configureServices = null)
    {
        _context = new EngineCommandContext(console, configureServices);
    }

    /// <summary>How long the watch may take to report users who already exist before the instructions are printed.</summary>
    public TimeSpan SignInGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    public Task<int> PlanAsync(PlanOptions options, CancellationToken cancellationToken) =>
        OneActionAsync(() => new PlanCommand(_context).RunAsync(options, cancellationToken));

    public Task<int> DoctorAsync(DoctorOptions options, CancellationToken cancellationToken) =>
        OneActionAsync(() => new DoctorCommand(_context).RunAsync(options, cancellationToken));

    public Task<int> ApplyAsync(ApplyOptions options, CancellationToken cancellationToken) =>
        OneActionAsync(() => new ApplyCommand(_context, SignInGracePeriod).RunAsync(options, cancellationToken));

    public Task<int> StatusAsync(StatusOptions options, CancellationToken cancellationToken) =>
        new StatusCommand(_context).RunAsync(options, cancellationToken);

    public Task<int> UndoAsync(UndoOptions options, CancellationToken cancellationToken) =>
        OneActionAsync(() => new UndoCommand(_context).RunAsync(options, cancellationToken));

    public Task<int> ExportAsync(ExportOptions options, CancellationToken cancellationToken) =>
        new ExportCommand(_context).RunAsync(options, cancellationToken);

    /// <summary>A verb is one action: each server read is made once until the verb writes or waits for a person (ReadCache).</summary>
    private static async Task<int> OneActionAsync(Func<Task<int>> verb)
    {
        using (ReadCache.Begin())
        {
            return await verb();
        }
    }
}
