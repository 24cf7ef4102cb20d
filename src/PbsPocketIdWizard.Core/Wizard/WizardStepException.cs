namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// Thrown by a step's PlanAsync when planning finds a conflict the admin must resolve (a plan cannot carry errors).
/// Errors are field-keyed like Validate's; Message joins them.
/// </summary>
public sealed class WizardStepException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    public WizardStepException(FieldError error)
        : this([error])
    {
    }
}
