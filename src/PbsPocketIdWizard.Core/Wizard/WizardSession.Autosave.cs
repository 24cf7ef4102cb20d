using Microsoft.Extensions.Logging;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// Saving: after every transition, in the background for the UI's synchronous navigation and validation, and the
/// reload when another tab or the command line changed the run first.
/// </summary>
public sealed partial class WizardSession
{
    /// <summary>Waits for a save started by navigation or validation (those are synchronous for the UI).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_backgroundSaves)
        {
            pending = [.. _backgroundSaves];
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
        await SaveAsync(cancellationToken);
    }

    /// <summary>
    /// Hands the store a snapshot taken now; the steps' journal lines come here too (WizardState.SaveJournal). No lock
    /// here on purpose: a background save may overlap a step's, so only the store can order saves, and it keeps the one
    /// called last (see SqliteWizardStore).
    /// </summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.SaveAsync(WizardSecrets.Snapshot(State), cancellationToken);
        }
        catch (WizardRunConflictException ex)
        {
            await ReloadAfterConflictAsync(ex.Message, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Asks the store whether another tab or the command line saved the run since this copy loaded or last wrote it;
    /// if so, takes the stored run as a refused save would, and returns true. The open page calls this on its own, so
    /// the admin learns of it before the next save. Does nothing while an action runs (its own save finds out).
    /// </summary>
    public async Task<bool> ReloadIfMovedOnElsewhereAsync(CancellationToken cancellationToken)
    {
        if (!IsLoaded || IsBusy || StoredRunVersion.RefusalFor(await _store.VersionOfAsync(State.RunId, cancellationToken), State) is null)
        {
            return false;
        }

        BusyScope busy;
        try
        {
            busy = EnterBusy();
        }
        catch (InvalidOperationException)
        {
            return false; // an action started meanwhile
        }

        using (busy)
        {
            if (StoredRunVersion.RefusalFor(await _store.VersionOfAsync(State.RunId, cancellationToken), State) is not { } refusal)
            {
                return false;
            }

            await ReloadAfterConflictAsync(refusal, cancellationToken);
            return true;
        }
    }

    /// <summary>A stale copy never writes again: the session takes the stored run (new revision, new writer id).</summary>
    private async Task ReloadAfterConflictAsync(string message, CancellationToken cancellationToken)
    {
        var runId = State.RunId;
        _logger.LogWarning("Wizard run {WizardRunId} was changed elsewhere (another tab or the command line); reloading it", runId.ToString());
        var stored = await _store.LoadAsync(runId, CancellationToken.None);
        RunMovedOnMessage = message;
        if (stored is null)
        {
            await LoadOrStartAsync(cancellationToken);
            return;
        }

        await AttachAsync(stored, cancellationToken);
    }

    private void QueueSave()
    {
        var save = SaveInBackgroundAsync();
        lock (_backgroundSaves)
        {
            _backgroundSaves.RemoveAll(t => t.IsCompleted);
            _backgroundSaves.Add(save);
        }
    }

    private async Task SaveInBackgroundAsync()
    {
        try
        {
            await SaveAsync(CancellationToken.None);
        }
        catch (WizardRunConflictException)
        {
            // Already reloaded and flagged for the UI (SaveAsync).
        }
        catch (Exception ex)
        {
            _logger.LogError("Saving wizard run {WizardRunId} failed: {ErrorType} {Reason}", State.RunId.ToString(), ex.GetType().Name, ex.Message);
        }
    }
}
