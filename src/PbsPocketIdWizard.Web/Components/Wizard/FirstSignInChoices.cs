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
