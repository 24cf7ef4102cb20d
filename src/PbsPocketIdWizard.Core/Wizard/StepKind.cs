namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>What a step does, and so how the web page, the CLI and the whole-run preview drive it.</summary>
public enum StepKind
{
    /// <summary>Only checks a connection (reads, changes nothing): validate → verify; the preview may run it to the end.</summary>
    Connection,

    /// <summary>Changes a server: planned as the step opens (read-only); the web's one press applies, verifies and moves on.</summary>
    Change,

    /// <summary>The sign-in pause: the view drives it and continues when users are picked.</summary>
    Pause,

    /// <summary>The end: verification, exports, undo, new run.</summary>
    Summary,
}

/// <summary>The server(s) a step talks to (named in the log of each transition).</summary>
public enum StepTarget
{
    PocketId,
    Pbs,
    Both,
}
