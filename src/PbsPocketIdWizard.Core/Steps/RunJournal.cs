using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Writes journal lines for the steps. A Pending line is saved (through the session holding the run) BEFORE the
/// mutating call, so a crash right after sending is recognised on resume: the resource then found is ours. Done/Undone
/// lines follow.
/// </summary>
public sealed class RunJournal(TimeProvider time)
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";

    /// <summary>A resource found in place (made outside the wizard) that the run took over; undo never deletes it.</summary>
    public const string Adopt = "adopt";

    public Task PendingAsync(WizardState state, WizardStepId step, ResourceKind kind, string id, CancellationToken cancellationToken, string action = Create) =>
        WriteAsync(state, new JournalEntry(time.GetUtcNow(), step, action, kind, id, JournalOutcome.Pending), cancellationToken);

    public Task DoneAsync(WizardState state, WizardStepId step, ResourceKind kind, string id, CancellationToken cancellationToken, string action = Create, string? detail = null) =>
        WriteAsync(state, new JournalEntry(time.GetUtcNow(), step, action, kind, id, JournalOutcome.Done, detail), cancellationToken);

    public Task UndoneAsync(WizardState state, WizardStepId step, ResourceKind kind, string id, CancellationToken cancellationToken, string action = Delete, string? detail = null) =>
        WriteAsync(state, new JournalEntry(time.GetUtcNow(), step, action, kind, id, JournalOutcome.Undone, detail), cancellationToken);

    public Task FailedAsync(WizardState state, WizardStepId step, ResourceKind kind, string id, string detail, CancellationToken cancellationToken, string action = Create) =>
        WriteAsync(state, new JournalEntry(time.GetUtcNow(), step, action, kind, id, JournalOutcome.Failed, detail), cancellationToken);

    /// <summary>True when this run sent a create for the resource (maybe without seeing the answer), or confirmed one.</summary>
    public static bool IsOurs(WizardState state, ResourceKind kind, string id)
    {
        var entries = state.Journal.Where(e => e.Resource == kind && e.ResourceId == id).ToList();
        var lastUndone = entries.FindLastIndex(e => e.Outcome == JournalOutcome.Undone);
        return entries.Skip(lastUndone + 1).Any(e => e.Action == Create && e.Outcome is JournalOutcome.Pending or JournalOutcome.Done);
    }

    /// <summary>Ids of a kind this run sent a create for (Pending or Done) and has not undone.</summary>
    public static IReadOnlyList<string> SentByRun(WizardState state, ResourceKind kind) =>
        state.Journal.Where(e => e.Resource == kind && e.Action == Create && e.Outcome is JournalOutcome.Pending or JournalOutcome.Done)
            .Select(e => e.ResourceId).Distinct(StringComparer.Ordinal).Where(id => IsOurs(state, kind, id)).ToList();

    /// <summary>
    /// Ids of a kind this run sent an update for (Pending or Done) since the id was last undone, in the order they were
    /// first sent. Pending counts: the call may have gone through before a crash.
    /// </summary>
    public static IReadOnlyList<string> UpdatesSentByRun(WizardState state, ResourceKind kind)
    {
        var ids = new List<string>();
        foreach (var entry in state.Journal.Where(e => e.Resource == kind))
        {
            if (entry.Outcome == JournalOutcome.Undone)
            {
                ids.Remove(entry.ResourceId);
            }
            else if (entry.Action == Update && entry.Outcome is JournalOutcome.Pending or JournalOutcome.Done && !ids.Contains(entry.ResourceId))
            {
                ids.Add(entry.ResourceId);
            }
        }

        return ids;
    }

    private async Task WriteAsync(WizardState state, JournalEntry entry, CancellationToken cancellationToken)
    {
        state.Journal.Add(entry);
        if (state.SaveJournal is { } save)
        {
            await save(cancellationToken);
        }
    }
}
