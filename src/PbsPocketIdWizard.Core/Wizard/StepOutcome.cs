namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>The result of Apply or Verify. A failure carries field-keyed errors; Message is a one-line summary.</summary>
public sealed record StepOutcome(bool Succeeded, IReadOnlyList<FieldError> Errors, string? Message)
{
    /// <summary>The failure is a conflict with what exists on the servers (see WizardStepException.IsConflict).</summary>
    public bool IsConflict { get; init; }

    public static StepOutcome Success(string? message = null) => new(true, [], message);

    public static StepOutcome Failure(params FieldError[] errors) =>
        new(false, errors, errors.Length > 0 ? errors[0].Message : null);

    public static StepOutcome Failure(string message) => new(false, [FieldError.ForStep(message)], message);
}
