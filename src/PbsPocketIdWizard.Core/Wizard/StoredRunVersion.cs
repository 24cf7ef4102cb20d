namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// What a store knows about the last saved version of a run: its revision, which copy wrote it, whether it ended and
/// how many journal entries it holds. <see cref="NextRevisionFor"/> is the one rule every store applies on save.
/// </summary>
public sealed record StoredRunVersion(long Revision, Guid WriterId, bool Finished, int JournalCount)
{
    /// <summary>What the admin is told when a save is refused because the run moved on elsewhere.</summary>
    public const string MovedOnMessage =
        "Another browser tab or the command line changed this run meanwhile. The wizard now shows the run as it is; check it, then continue.";

    /// <summary>
    /// The revision the save gets, or a <see cref="WizardRunConflictException"/>. A copy may save when it wrote the stored
    /// version itself (its own saves are ordered in process) or was loaded at it; a run that ended is never reopened;
    /// the journal only grows.
    /// </summary>
    public static long NextRevisionFor(StoredRunVersion? stored, WizardState snapshot) =>
        RefusalFor(stored, snapshot) is { } refusal
            ? throw new WizardRunConflictException(snapshot.RunId, refusal)
            : (stored?.Revision ?? 0) + 1;

    /// <summary>
    /// Why a save of <paramref name="copy"/> would be refused now (another tab or the command line moved the run on), or
    /// null when it may save. The open page asks this on its own, so it notices without waiting for the next save.
    /// </summary>
    public static string? RefusalFor(StoredRunVersion? stored, WizardState copy)
    {
        if (stored is null)
        {
            return null;
        }

        if (stored.Finished && copy.IsActive)
        {
            return "This run was completed, undone or left in another browser tab or by the command line; it cannot be continued here.";
        }

        var movedOn = (stored.WriterId != copy.WriterId && stored.Revision != copy.Revision) || copy.Journal.Count < stored.JournalCount;
        return movedOn ? MovedOnMessage : null;
    }
}
