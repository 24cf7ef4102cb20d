namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// An error tied to one input field (Field = nameof(the input property), e.g. nameof(PbsConnectionInput.Url)),
/// or to the step as a whole when Field is empty. Message says what failed, on which server, and what to do.
/// </summary>
public sealed record FieldError(string Field, string Message)
{
    public static FieldError ForStep(string message) => new(string.Empty, message);

    public override string ToString() => string.IsNullOrEmpty(Field) ? Message : $"{Field}: {Message}";
}
