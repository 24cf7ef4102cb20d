using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>What the admin picks in the sign-in pause: users who signed in, and users to create ahead of time.</summary>
public static class FirstSignInChoices
{
    public static bool CanContinue(FirstSignInInput input) => input.SelectedUsers.Count + input.PreCreateUsers.Count > 0;

    public static void Pick(FirstSignInInput input, string userId, bool picked)
    {
        input.SelectedUsers.Remove(userId);
        if (picked)
        {
            input.SelectedUsers.Add(userId);
        }
    }

    /// <summary>
    /// A user PBS just reported is ticked for the admin when the wizard is waiting for them (a name to pre-create or a
    /// permission grant names them) or when nobody is picked yet: the admin usually signed in as themselves and only
    /// has to press Continue. True when the selection changed.
    /// </summary>
    public static bool PreselectNewUser(WizardState state, string userId)
    {
        var input = state.FirstSignIn;
        if (input.SelectedUsers.Contains(userId, StringComparer.Ordinal))
        {
            return false;
        }

        var name = userId.Split('@')[0];
        var awaited = input.PreCreateUsers.Contains(name, StringComparer.Ordinal)
            || state.Permissions.Grants.Any(g => g.User == userId || g.User == name);
        if (!awaited && input.SelectedUsers.Count > 0)
        {
            return false;
        }

        input.SelectedUsers.Add(userId);
        return true;
    }

    /// <summary>Adds a user name (without @realm) to pre-create; false when empty or already listed.</summary>
    public static bool AddPreCreate(FirstSignInInput input, string? name)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || input.PreCreateUsers.Contains(name, StringComparer.Ordinal))
        {
            return false;
        }

        input.PreCreateUsers.Add(name);
        return true;
    }
}
