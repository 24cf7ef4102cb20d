namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// Thrown by a step's PlanAsync when planning finds a conflict the admin must resolve (a plan cannot carry errors).
/// Errors are field-keyed like Validate's; Message joins them.
/// </summary>
public sealed class WizardStepException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    /// <summary>
    /// What exists on the servers contradicts the inputs (a realm of another type or username claim, several clients to
    /// choose from): the whole run cannot succeed as asked, so it is reported before anything is written.
    /// </summary>
    public bool IsConflict { get; init; }

    /// <summary>A conflict with what exists (see <see cref="IsConflict"/>).</summary>
    public static WizardStepException Conflict(FieldError error) => new([error]) { IsConflict = true };

    public WizardStepException(FieldError error)
        : this([error])
    {
    }
}
