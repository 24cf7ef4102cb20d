namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>What happened to a step; the session feeds these into <see cref="StepTransitions.Next"/>.</summary>
public enum StepEvent
{
    InputsValid,
    Planned,
    Applied,
    Verified,
    Failed,
    InputsChanged,
    Reset,
}

public sealed class InvalidStepTransitionException(StepStatus status, StepEvent stepEvent)
    : InvalidOperationException($"A step that is {status} cannot take the event {stepEvent}.")
{
    public StepStatus Status { get; } = status;

    public StepEvent Event { get; } = stepEvent;
}

/// <summary>The whole state machine of one step, as one table. Any pair not listed is a bug in the caller.</summary>
public static class StepTransitions
{
    public static StepStatus Next(StepStatus status, StepEvent stepEvent) => (status, stepEvent) switch
    {
        // Validation passed: a fresh or failed step becomes ready; a step further on keeps its place (inputs unchanged).
        (StepStatus.NotStarted or StepStatus.Ready or StepStatus.Failed, StepEvent.InputsValid) => StepStatus.Ready,
        (StepStatus.Planned or StepStatus.Applied or StepStatus.Verified, StepEvent.InputsValid) => status,

        // Planning is allowed again at any point after validation (a re-run re-plans and finds "no change").
        (StepStatus.Ready or StepStatus.Planned or StepStatus.Applied or StepStatus.Verified, StepEvent.Planned) => StepStatus.Planned,

        // Apply only what was planned; verify only what was applied (or re-check a verified step).
        (StepStatus.Planned, StepEvent.Applied) => StepStatus.Applied,
        (StepStatus.Applied or StepStatus.Verified, StepEvent.Verified) => StepStatus.Verified,

        // Anything can fail, including validation of a step not started yet.
        (_, StepEvent.Failed) => StepStatus.Failed,

        // A plan (and what was applied from it) is valid only for the inputs it was made from.
        (StepStatus.NotStarted, StepEvent.InputsChanged) => StepStatus.NotStarted,
        (StepStatus.Ready or StepStatus.Planned or StepStatus.Applied or StepStatus.Verified or StepStatus.Failed, StepEvent.InputsChanged) => StepStatus.Ready,

        (_, StepEvent.Reset) => StepStatus.NotStarted,

        _ => throw new InvalidStepTransitionException(status, stepEvent),
    };
}
