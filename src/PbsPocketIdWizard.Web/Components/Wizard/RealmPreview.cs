using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>The realm step's live preview: which PBS user id a chosen Pocket ID user gets with the chosen claim.</summary>
public sealed class RealmPreview(WizardLookups lookups)
{
    public IReadOnlyList<PocketIdUserOption> Users { get; private set; } = [];

    public string? SelectedUserId { get; private set; }

    /// <summary>e.g. alice@PocketID; null while there is nothing to show (see <see cref="Note"/>).</summary>
    public string? PbsUserId { get; private set; }

    public string? Note { get; private set; }

    public async Task LoadAsync(WizardState state, CancellationToken cancellationToken)
    {
        try
        {
            Users = await lookups.PocketIdUsersAsync(state, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Note = "The Pocket ID users could not be read for the preview.";
            return;
        }

        SelectedUserId = Users.FirstOrDefault()?.Id;
        await RefreshAsync(state, cancellationToken);
    }

    public async Task SelectAsync(WizardState state, string userId, CancellationToken cancellationToken)
    {
        SelectedUserId = userId;
        await RefreshAsync(state, cancellationToken);
    }

    /// <summary>Asks Pocket ID again (after the claim or the realm name changed).</summary>
    public async Task RefreshAsync(WizardState state, CancellationToken cancellationToken)
    {
        PbsUserId = null;
        Note = null;
        if (SelectedUserId is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(state.Results.ClientId))
        {
            Note = "The preview appears once the OIDC client exists (previous step).";
            return;
        }

        try
        {
            PbsUserId = await lookups.PreviewPbsUserIdAsync(state, SelectedUserId, cancellationToken);
            Note = PbsUserId is null ? "This user has no value for the chosen claim: PBS could not create them." : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Note = "Pocket ID could not preview the claims right now.";
        }
    }
}
