using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;

namespace PbsPocketIdWizard.E2E.Tests;

public sealed class WizardAccessibilityTests : ChromiumPageTest
{
    [ChromiumFact]
    public async Task EveryScreen_WhenScannedWithAxeInLightAndDarkMode_HasNoSeriousOrCriticalViolations()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await Assertions.Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Connect Proxmox Backup Server to Pocket ID");

        await wizard.WalkDemoSetupAsync(async (name, page) =>
        {
            if (page == Page) // the other tab is the PBS simulator's sign-in page, not the wizard
            {
                await ScanInBothThemesAsync(wizard, name);
            }
        });
    }

    [ChromiumFact]
    public async Task Enter_InAField_PressesThePrimaryButton()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);

        await wizard.Field("Pocket ID address").PressAsync("Enter");

        await wizard.ExpectStepAsync("Proxmox Backup Server");
    }

    [ChromiumFact]
    public async Task Keyboard_Only_ReachesTheConnectButtonAndRunsIt()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);

        for (var i = 0; i < 40 && await Page.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''") != "Connect"; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
        }

        await Page.Keyboard.PressAsync("Enter");

        await wizard.ExpectStepAsync("Proxmox Backup Server");
    }

    /// <summary>axe on the screen as it is, then in the other theme, then back. The toggle is clicked through the DOM
    /// because an open dialog covers it.</summary>
    private async Task ScanInBothThemesAsync(WizardPage wizard, string where)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            var toggle = await wizard.DarkModeToggleNameAsync();
            var theme = toggle == "Switch to light mode" ? "dark" : "light";
            await AxeScan.AssertNoSeriousViolationsAsync(Page, $"{where}, {theme} mode");
            await wizard.DarkModeToggle.DispatchEventAsync("click");
            await Assertions.Expect(wizard.DarkModeToggle).Not.ToHaveAttributeAsync("aria-label", toggle);
            await Page.WaitForTimeoutAsync(500); // colours fade over MudBlazor's transitions; axe must see the end state
        }
    }

    [ChromiumFact]
    public async Task DesktopWidth_Stepper_ShowsEveryStepAndNoCompactLine()
    {
        var wizard = new WizardPage(Page);

        await wizard.OpenAsync(App.SignInLink);

        await Assertions.Expect(Page.Locator(".mud-stepper-nav")).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator(".stepper-compact")).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task PhoneWidth_FirstStep_FitsWithoutSidewaysScrolling()
    {
        var phone = await NewContextAsync(width: 390, height: 844);
        var page = await phone.NewPageAsync();
        var wizard = new WizardPage(page);

        await wizard.OpenAsync(App.SignInLink);
        await wizard.ExpectStepAsync("Pocket ID");

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than a phone screen");
        await Assertions.Expect(wizard.Button("Connect")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".stepper-compact")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".stepper-compact-title")).ToContainTextAsync("Step 1 of 7: Pocket ID");
        await Assertions.Expect(page.Locator(".mud-stepper-nav")).ToBeHiddenAsync();
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WizardPage.ScreenshotDirectory(), "09-phone.png"), FullPage = true });
        await phone.CloseAsync();
    }
}
