using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>Starts the permissions form with one grant per picked user: Admin on / (the how-to's choice), propagated.</summary>
public static class PermissionDefaults
{
    /// <summary>Adds a grant for every picked or pre-created user that has none; true when it added any.</summary>
    public static bool AddMissingGrants(WizardState state)
    {
        var realm = state.Realm.Name;
        var users = state.FirstSignIn.SelectedUsers
            .Concat(state.FirstSignIn.PreCreateUsers.Select(u => u.Contains('@') ? u : $"{u}@{realm}"))
            .Distinct(StringComparer.Ordinal);
        var added = false;
        foreach (var user in users)
        {
            if (!state.Permissions.Grants.Any(g => SameUser(g.User, user, realm)))
            {
                state.Permissions.Grants.Add(new PermissionGrantInput { User = user, Path = "/", Role = "Admin", Propagate = true });
                added = true;
            }
        }

        return added;
    }

    private static bool SameUser(string a, string b, string realm) =>
        string.Equals(a.Contains('@') ? a : $"{a}@{realm}", b.Contains('@') ? b : $"{b}@{realm}", StringComparison.Ordinal);
}
