namespace PbsPocketIdWizard.Web.Cli;

/// <summary>plan | apply | status | undo | export: the engine without a browser.</summary>
public static class EngineCommands
{
    public static Task<int> PlanAsync(string[] args) => NotYet("plan");

    public static Task<int> ApplyAsync(string[] args) => NotYet("apply");

    public static Task<int> StatusAsync(string[] args) => NotYet("status");

    public static Task<int> UndoAsync(string[] args) => NotYet("undo");

    public static Task<int> ExportAsync(string[] args) => NotYet("export");

    private static Task<int> NotYet(string name)
    {
        Console.Error.WriteLine($"{name}: not built yet");
        return Task.FromResult(1);
    }
}
