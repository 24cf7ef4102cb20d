namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// Where a command writes (stdout: results; stderr: logs, progress notes and errors) and reads (confirmations, a TOTP
/// code), plus the environment for secrets. Tests pass string writers and a fixed environment.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool IsInteractive, Func<string, string?> Environment)
{
    public static CliConsole System => new(
        Console.Out,
        Console.Error,
        Console.In,
        // Confirmations and prompts only when a person can answer them.
        !Console.IsInputRedirected,
        global::System.Environment.GetEnvironmentVariable);

    /// <summary>Asks a yes/no question; anything but y/yes is no.</summary>
    public bool Confirm(string question)
    {
        Error.Write($"{question} [y/N] ");
        Error.Flush();
        var answer = In.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    public string? Prompt(string question)
    {
        Error.Write($"{question}: ");
        Error.Flush();
        return In.ReadLine()?.Trim();
    }
}
