using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>Prints what a step does as it happens (apply): its plan, what it created, and its verification.</summary>
internal sealed class ProgressPrinter(WizardSession session, TextWriter output)
{
    private WizardStepId _step;
    private StepStatus _lastStatus;
    private bool _begun;

    // What an earlier attempt of a resumed run journaled was listed under the "Resuming run" header already.
    private int _journalSeen = session.State.Journal.Count;

    public int Created { get; private set; }

    public int Updated { get; private set; }

    /// <summary>The whole plan was shown as a table before applying: a step already planned then is counted, not printed again.</summary>
    public bool PlanTableShown { get; init; }

    /// <summary>A journal entry as one line: "action resource (detail)".</summary>
    public static string Describe(JournalEntry entry, WizardState state) =>
        $"{entry.Action} {ResourceDescriber.Describe(entry, state)}" + (entry.Detail is { Length: > 0 } d ? $" ({d})" : string.Empty);

    public void Begin(WizardStepId step)
    {
        _begun = true;
        _step = step;
        _lastStatus = session.StatusOf(step);
        _journalSeen = session.State.Journal.Count;
        if (_lastStatus == StepStatus.Planned && session.PlanOf(step) is { } plan)
        {
            // Planned by the whole-run check before the first write: its plan is what is applied now.
            Report(plan, print: !PlanTableShown);
        }
    }

    public void OnChanged()
    {
        if (!_begun)
        {
            // Moving to the first step before it runs: nothing of this attempt to report yet.
            return;
        }

        var status = session.StatusOf(_step);
        foreach (var entry in session.State.Journal.Skip(_journalSeen))
        {
            if (entry.Outcome is JournalOutcome.Done or JournalOutcome.Undone or JournalOutcome.Failed)
            {
                output.WriteLine($"    {entry.Outcome.ToString().ToLowerInvariant()}: {Describe(entry, session.State)}");
            }
        }

        _journalSeen = session.State.Journal.Count;
        if (status == _lastStatus)
        {
            return;
        }

        _lastStatus = status;
        switch (status)
        {
            case StepStatus.Planned when session.PlanOf(_step) is { } plan:
                Report(plan, print: true);
                break;
            case StepStatus.Applied when session.PlanOf(_step)?.HasChanges == true:
                output.WriteLine("  applied");
                break;
            case StepStatus.Verified:
                output.WriteLine("  verified" + (session.OutcomeOf(_step)?.Message is { Length: > 0 } m ? $": {m}" : string.Empty));
                break;
        }

        output.Flush();
    }

    private void Report(StepPlan plan, bool print)
    {
        foreach (var change in plan.Changes)
        {
            if (print)
            {
                output.WriteLine($"  {Mark(change.Kind)} {change.Kind}: {change.Resource} — {change.Description}");
            }

            Created += change.Kind == ChangeKind.Create ? 1 : 0;
            Updated += change.Kind == ChangeKind.Update ? 1 : 0;
        }

        output.Flush();
    }

    private static char Mark(ChangeKind kind) => kind switch
    {
        ChangeKind.Create => '+',
        ChangeKind.Update => '~',
        _ => '=',
    };
}
