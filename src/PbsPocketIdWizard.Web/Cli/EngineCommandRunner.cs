namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// plan | apply | status | undo | export: the same <see cref="Core.Wizard.WizardSession"/> as the web wizard, driven
/// from a terminal or a script. Results go to standard output, logs and notes to standard error; no secret reaches
/// either. Each command is a class of its own; they share one <see cref="EngineCommandContext"/>.
/// </summary>
public sealed class EngineCommandRunner
{
    public const int DefaultWaitTimeoutSeconds = ApplyCommand.DefaultWaitTimeoutSeconds;

    private readonly EngineCommandContext _context;

    public EngineCommandRunner(CliConsole console, Action<IServiceCollection>? configureServices = null)
    {
        _context = new EngineCommandContext(console, configureServices);
    }

    /// <summary>How long the watch may take to report users who already exist before the instructions are printed.</summary>
    public TimeSpan SignInGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    public Task<int> PlanAsync(string[] args, CancellationToken cancellationToken) =>
        new PlanCommand(_context).RunAsync(args, cancellationToken);

    public Task<int> ApplyAsync(string[] args, CancellationToken cancellationToken) =>
        new ApplyCommand(_context, SignInGracePeriod).RunAsync(args, cancellationToken);

    public Task<int> StatusAsync(string[] args, CancellationToken cancellationToken) =>
        new StatusCommand(_context).RunAsync(args, cancellationToken);

    public Task<int> UndoAsync(string[] args, CancellationToken cancellationToken) =>
        new UndoCommand(_context).RunAsync(args, cancellationToken);

    public Task<int> ExportAsync(string[] args, CancellationToken cancellationToken) =>
        new ExportCommand(_context).RunAsync(args, cancellationToken);
}
