using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>
/// The realm step's live preview: which PBS user id a chosen Pocket ID user gets with the chosen claim, and a warning
/// for every Pocket ID user who could not sign in or could not be granted permissions that way.
/// </summary>
public sealed class RealmPreview(WizardLookups lookups)
{
    private (string Realm, string Scopes)? _scopes;
    private IReadOnlyList<SignInUserIdPreview> _previews = [];

    public IReadOnlyList<PocketIdUserOption> Users { get; private set; } = [];

    public string? SelectedUserId { get; private set; }

    /// <summary>e.g. alice@PocketID; null while there is nothing to show (see <see cref="Note"/>).</summary>
    public string? PbsUserId { get; private set; }

    public string? Note { get; private set; }

    /// <summary>One line per Pocket ID user whose sign-in would fail or whose PBS user id PBS would refuse.</summary>
    public IReadOnlyList<string> Warnings => _previews.Where(p => !p.IsFine).Select(p => p.Problem!).ToList();

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

    public Task SelectAsync(WizardState state, string userId, CancellationToken cancellationToken)
    {
        SelectedUserId = userId;
        ShowSelected();
        return Task.CompletedTask;
    }

    /// <summary>Asks Pocket ID again for every user (after the claim or the realm name changed).</summary>
    public async Task RefreshAsync(WizardState state, CancellationToken cancellationToken)
    {
        _previews = [];
        PbsUserId = null;
        Note = null;
        if (Users.Count == 0)
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
            if (_scopes?.Realm != state.Realm.Name)
            {
                _scopes = (state.Realm.Name, await lookups.SignInScopesAsync(state, cancellationToken));
            }

            _previews = await lookups.PreviewSignInsAsync(state, Users, _scopes.Value.Scopes, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Note = "Pocket ID could not preview the claims right now.";
            return;
        }

        ShowSelected();
    }

    private void ShowSelected()
    {
        var selected = _previews.FirstOrDefault(p => p.PocketIdUserId == SelectedUserId);
        PbsUserId = selected?.PbsUserId;
        Note = selected switch
        {
            null => Users.Count > SignInUserIdPreviewer.MaxCheckedUsers ? $"Only the first {SignInUserIdPreviewer.MaxCheckedUsers} users are previewed." : null,
            { PbsUserId: null } => selected.Problem,
            _ => null,
        };
    }
}
