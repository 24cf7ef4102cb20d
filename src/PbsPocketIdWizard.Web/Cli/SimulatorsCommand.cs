namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`simulators`: both fake servers standalone on loopback until stopped.</summary>
public static class SimulatorsCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("simulators: not built yet");
        return Task.FromResult(1);
    }
}
