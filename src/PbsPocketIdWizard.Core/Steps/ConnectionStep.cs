using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// A step that only checks a connection (changes nothing on a server): applying and verifying run the same check, so
/// a re-check after a restart or a changed certificate is the same call.
/// </summary>
public abstract class ConnectionStep : WizardStep
{
    public sealed override StepKind Kind => StepKind.Connection;

    public sealed override Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken) =>
        CheckAsync(state, cancellationToken);

    public sealed override Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
        CheckAsync(state, cancellationToken);

    /// <summary>Reaches the server, signs in and reads what later steps need; the outcome names the field to fix.</summary>
    protected abstract Task<StepOutcome> CheckAsync(WizardState state, CancellationToken cancellationToken);
}
