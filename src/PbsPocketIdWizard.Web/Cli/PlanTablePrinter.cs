using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>The plan as a table (plan, and apply before it asks): one row per change, then the counts.</summary>
internal static class PlanTablePrinter
{
    /// <summary>Every planned change of a whole-run preview, with the step it belongs to.</summary>
    public static IReadOnlyList<(IWizardStep Step, PlannedChange Change)> AllChanges(this IReadOnlyList<(IWizardStep Step, StepPlan? Plan, StepOutcome? Failure)> preview) =>
        preview.Where(p => p.Plan is not null).SelectMany(p => p.Plan!.Changes.Select(c => (p.Step, c))).ToList();

    public static void Print(TextWriter output, IReadOnlyList<(IWizardStep Step, PlannedChange Change)> changes)
    {
        if (changes.Count == 0)
        {
            output.WriteLine("Nothing to plan.");
            return;
        }

        var stepWidth = Math.Max(4, changes.Max(c => c.Step.Title.Length));
        var resourceWidth = Math.Max(8, changes.Max(c => c.Change.Resource.Length));
        output.WriteLine($"{"STEP".PadRight(stepWidth)}  {"CHANGE",-8}  {"RESOURCE".PadRight(resourceWidth)}  DESCRIPTION");
        foreach (var (step, change) in changes)
        {
            output.WriteLine($"{step.Title.PadRight(stepWidth)}  {change.Kind,-8}  {change.Resource.PadRight(resourceWidth)}  {change.Description}");
        }

        var create = changes.Count(c => c.Change.Kind == ChangeKind.Create);
        var update = changes.Count(c => c.Change.Kind == ChangeKind.Update);
        output.WriteLine(create + update == 0
            ? "No change: everything is already in place."
            : $"{create} to create, {update} to update, {changes.Count - create - update} unchanged.");
    }
}
