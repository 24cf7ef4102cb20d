using Microsoft.Playwright;

namespace PbsPocketIdWizard.E2E.Tests.Pages;

/// <summary>The PBS (simulator) login page in the second tab, and the Pocket ID (simulator) sign-in it redirects to.</summary>
public sealed class PbsSignInPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Realm => Page.GetByLabel("Realm");

    public ILocator OpenIdLogin => Page.GetByRole(AriaRole.Button, new() { Name = "Login (OpenID redirect)" });

    public ILocator Status => Page.GetByRole(AriaRole.Status);

    /// <summary>Realm → "Login (OpenID redirect)" → Pocket ID: "Sign in as {user}" → back at PBS.</summary>
    public async Task SignInWithPocketIdAsync(string realm, string pocketIdUser)
    {
        await Assertions.Expect(Realm).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await Realm.SelectOptionAsync(new SelectOptionValue { Value = realm });
        await OpenIdLogin.ClickAsync();
        var signInAs = Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {pocketIdUser}", Exact = true });
        await Assertions.Expect(signInAs).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await signInAs.ClickAsync();
    }
}
