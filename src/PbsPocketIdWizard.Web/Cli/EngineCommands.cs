namespace PbsPocketIdWizard.Web.Cli;

/// <summary>Runs an engine command in this process: the real console, and Ctrl+C stops it cleanly (exit 130).</summary>
public static class EngineCommands
{
    public static async Task<int> RunAsync(Func<EngineCommandRunner, CancellationToken, Task<int>> command)
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
