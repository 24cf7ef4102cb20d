namespace PbsPocketIdWizard.Web.Cli;

/// <summary>Exit codes of plan/apply/status/undo/export (README "Command line").</summary>
public static class CliExitCodes
{
    public const int Done = 0;

    /// <summary>A server call or check failed; the message says which server, what failed and what to do.</summary>
    public const int Failed = 1;

    /// <summary>The answers file or the command line is invalid; nothing was touched.</summary>
    public const int InvalidAnswers = 2;

    /// <summary>
    /// What exists on the servers contradicts the answers (e.g. a realm with another username claim): the run cannot
    /// succeed as asked, so nothing was written on either server. The message names the ways out.
    /// </summary>
    public const int Conflict = 2;

    /// <summary>doctor: the setup has findings (each printed with its repair).</summary>
    public const int Findings = 1;

    /// <summary>The wait for the first sign-in timed out; the run is kept and a re-run resumes it.</summary>
    public const int TimedOut = 4;

    /// <summary>Interrupted (Ctrl+C); the run is kept.</summary>
    public const int Interrupted = 130;
}
