namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>One thing missing or wrong in an existing setup: the object it concerns and the repair the run makes.</summary>
public sealed record SetupFinding(string Resource, string Repair);

/// <summary>
/// The diagnosis of an existing setup (made by hand from the how-to, or by an earlier run) against the inputs: the
/// whole-run plan in other words. Every planned create or update is something missing or wrong, with the repair the
/// run makes; a conflict is something the admin must decide first; a failure means a server could not be checked.
/// The command line's `doctor` and the wizard's "Check an existing setup" both read it from here.
/// </summary>
public sealed record SetupDiagnosis(IReadOnlyList<SetupFinding> Findings, IWizardStep? FailedStep, StepOutcome? Failure)
{
    public static SetupDiagnosis From(IReadOnlyList<(IWizardStep Step, StepPlan? Plan, StepOutcome? Failure)> preview)
    {
        var findings = preview.Where(p => p.Plan is not null)
            .SelectMany(p => p.Plan!.Changes)
            .Where(c => c.Kind != ChangeKind.NoChange)
            .Select(c => new SetupFinding(c.Resource, c.Description))
            .ToList();
        var failed = preview.FirstOrDefault(p => p.Failure is not null);
        return new SetupDiagnosis(findings, failed.Failure is null ? null : failed.Step, failed.Failure);
    }

    /// <summary>Nothing to repair and nothing in the way.</summary>
    public bool IsHealthy => Findings.Count == 0 && Failure is null;

    /// <summary>What exists contradicts the inputs: the run cannot succeed until the admin decides (nothing is written).</summary>
    public bool IsConflict => Failure is { IsConflict: true };

    /// <summary>A server could not be checked (a connection failed, an input is missing): the findings may be incomplete.</summary>
    public bool CouldNotCheck => Failure is { IsConflict: false };
}
