using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>Base with no-op defaults: a connection step overrides Validate and Verify, a change step Plan, Apply, Verify, Undo.</summary>
public abstract class WizardStep : IWizardStep
{
    public abstract WizardStepId Id { get; }

    public abstract string Title { get; }

    /// <summary>A change step unless the step says otherwise.</summary>
    public virtual StepKind Kind => StepKind.Change;

    /// <summary>Both servers unless the step says otherwise.</summary>
    public virtual StepTarget Target => StepTarget.Both;

    /// <summary>"Apply" unless the step names its change.</summary>
    public virtual string ApplyLabel(StepPlan plan) => "Apply";

    /// <summary>Its own inputs alone unless the step says otherwise.</summary>
    public virtual bool ValidatesInputsAlone => true;

    public virtual IReadOnlyList<FieldError> Validate(WizardState state) => [];

    public virtual Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken) =>
        Task.FromResult(StepPlan.Empty(InputFingerprint(state)));

    public virtual Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken) =>
        Task.FromResult(StepOutcome.Success());

    public virtual Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken) =>
        Task.FromResult(StepOutcome.Success());

    public virtual Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken) =>
        Task.FromResult(StepOutcome.Success());

    /// <summary>
    /// The inputs this step depends on; a plan made from other inputs is stale. All of the run's inputs unless the
    /// step narrows them (then a change elsewhere in the form does not make its plan stale).
    /// </summary>
    protected virtual object InputsOf(WizardState state) =>
        new { state.PocketId, state.Pbs, state.Client, state.Realm, state.FirstSignIn, state.Permissions };

    public string InputFingerprint(WizardState state)
    {
        // Secrets are part of the inputs but hashed through their own fingerprint, never serialized in plain text.
        var json = JsonSerializer.Serialize(InputsOf(state), WizardJson.FingerprintOptions);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }
}
