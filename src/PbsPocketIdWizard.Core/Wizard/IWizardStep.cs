namespace PbsPocketIdWizard.Core.Wizard;

public interface IWizardStep
{
    WizardStepId Id { get; }

    string Title { get; }

    /// <summary>What the step does: a connection check, a change, the pause or the summary.</summary>
    StepKind Kind { get; }

    /// <summary>The server(s) the step talks to.</summary>
    StepTarget Target { get; }

    /// <summary>
    /// What the primary button says when the plan has changes, in the admin's words (e.g. "Create client"): the step
    /// names what a press does to the server.
    /// </summary>
    string ApplyLabel(StepPlan plan);

    /// <summary>Whether Validate judges only the step's own inputs (true) or also needs what earlier steps applied (the
    /// issuer, the client, the realm): only the former can be checked before a run touches any server.</summary>
    bool ValidatesInputsAlone { get; }

    /// <summary>A hash of the inputs this step depends on; a plan made from other inputs is stale.</summary>
    string InputFingerprint(WizardState state);

    /// <summary>Pure, no I/O: required fields, URL shape, cross-field rules.</summary>
    IReadOnlyList<FieldError> Validate(WizardState state);

    /// <summary>Read-only calls: what Apply would create/update, or NoChange.</summary>
    Task<StepPlan> PlanAsync(WizardState state, CancellationToken cancellationToken);

    /// <summary>Idempotent writes (check, then act). Records created ids and secrets into state. Safe to re-run.</summary>
    Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken);

    /// <summary>Re-reads both servers and checks the step's result.</summary>
    Task<StepOutcome> VerifyAsync(WizardState state, CancellationToken cancellationToken);

    /// <summary>Removes what this run created in this step (never what existed before); idempotent.</summary>
    Task<StepOutcome> UndoAsync(WizardState state, CancellationToken cancellationToken);
}
