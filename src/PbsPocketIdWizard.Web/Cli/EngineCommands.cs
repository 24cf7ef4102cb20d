namespace PbsPocketIdWizard.Web.Cli;

/// <summary>plan | apply | status | undo | export: the engine without a browser (see <see cref="EngineCommandRunner"/>).</summary>
public static class EngineCommands
{
    public static Task<int> PlanAsync(string[] args) => RunAsync((runner, ct) => runner.PlanAsync(args, ct));

    public static Task<int> ApplyAsync(string[] args) => RunAsync((runner, ct) => runner.ApplyAsync(args, ct));

    public static Task<int> StatusAsync(string[] args) => RunAsync((runner, ct) => runner.StatusAsync(args, ct));

    public static Task<int> UndoAsync(string[] args) => RunAsync((runner, ct) => runner.UndoAsync(args, ct));

    public static Task<int> ExportAsync(string[] args) => RunAsync((runner, ct) => runner.ExportAsync(args, ct));

    private static async Task<int> RunAsync(Func<EngineCommandRunner, CancellationToken, Task<int>> command)
    {
        using var interrupted = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            // First Ctrl+C stops cleanly (the run is saved after every transition); a second one kills the process.
            e.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            return await command(new EngineCommandRunner(CliConsole.System), interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Interrupted; the run is kept and apply resumes it.");
            return CliExitCodes.Interrupted;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }
}
