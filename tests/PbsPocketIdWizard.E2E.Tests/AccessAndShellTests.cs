using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;
using PbsPocketIdWizard.Web.Prefill;

namespace PbsPocketIdWizard.E2E.Tests;

public sealed class AccessAndShellTests : ChromiumPageTest
{
    [ChromiumFact]
    public async Task OpenPrintedLink_WhenCircuitIsLive_ToggleChangesTheTheme()
    {
        var wizard = new WizardPage(Page);

        await wizard.OpenAsync(App.SignInLink);
        var before = await wizard.DarkModeToggleNameAsync();
        await wizard.DarkModeToggle.ClickAsync();

        Assert.Equal(new Uri(App.BaseAddress, "/").ToString(), Page.Url); // the token left the address bar
        await Assertions.Expect(wizard.MainHeading).ToHaveTextAsync("Connect Proxmox Backup Server to Pocket ID");
        await Assertions.Expect(wizard.DarkModeToggle).Not.ToHaveAttributeAsync("aria-label", before);
    }

    [ChromiumFact]
    public async Task Open_WithSystemInDarkMode_StartsDarkAndToggles()
    {
        var dark = await Browser.NewContextAsync(new() { ColorScheme = ColorScheme.Dark, ReducedMotion = ReducedMotion.Reduce, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await dark.NewPageAsync();
        var wizard = new WizardPage(page);

        await wizard.OpenAsync(App.SignInLink);

        await Assertions.Expect(wizard.DarkModeToggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        await wizard.DarkModeToggle.ClickAsync();
        await Assertions.Expect(wizard.DarkModeToggle).ToHaveAttributeAsync("aria-label", "Switch to dark mode");
        await dark.CloseAsync();
    }

    [ChromiumFact]
    public async Task PbsSimulatorPage_OnlyWithItsCertificatePinned_Loads()
    {
        var pbsUrl = App.Services.GetRequiredService<DemoSimulators>().Environment!.PbsUrl;
        using var playwright = await Playwright.CreateAsync();
        var unpinned = await LaunchBrowserAsync(playwright, pbsCertificate: null);
        var refusing = await unpinned.NewPageAsync();

        var refused = await Assert.ThrowsAsync<PlaywrightException>(() => refusing.GotoAsync(pbsUrl.ToString()));
        var pinned = await Page.GotoAsync(pbsUrl.ToString());

        Assert.Contains("ERR_CERT", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(pinned);
        Assert.True(pinned.Ok);
        await unpinned.CloseAsync();
    }

    [ChromiumFact]
    public async Task Reload_AfterChoosingDarkMode_KeepsTheChoice()
    {
        var wizard = new WizardPage(Page); // the default context's system setting is light
        await wizard.OpenAsync(App.SignInLink);
        await Assertions.Expect(wizard.DarkModeToggle).ToHaveAttributeAsync("aria-label", "Switch to dark mode");
        await wizard.DarkModeToggle.ClickAsync();
        await Assertions.Expect(wizard.DarkModeToggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");

        await Page.ReloadAsync();
        await wizard.WaitForCircuitAsync();

        await Assertions.Expect(wizard.DarkModeToggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");
    }

    [ChromiumFact]
    public async Task Reload_AfterSignIn_StaysSignedIn()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);

        var response = await Page.ReloadAsync();

        Assert.Equal(200, response?.Status);
        await wizard.WaitForCircuitAsync();
        await Assertions.Expect(wizard.MainHeading).ToBeVisibleAsync();
    }

    [ChromiumFact]
    public async Task Open_WithoutToken_Answers401WithSignInHint()
    {
        var response = await Page.GotoAsync(App.BaseAddress.ToString());

        Assert.Equal(401, response?.Status);
        await Assertions.Expect(Page.GetByText("Open the sign-in link printed when the wizard started")).ToBeVisibleAsync();
    }

    [ChromiumFact]
    public async Task FirstPage_WhenScannedWithAxe_HasNoSeriousOrCriticalViolations()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);

        await AxeScan.AssertNoSeriousViolationsAsync(Page, "first page");
    }
}
