using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;

namespace PbsPocketIdWizard.E2E.Tests;

public sealed class WizardAccessibilityTests : ChromiumPageTest
{
    [ChromiumFact]
    public async Task Steps_WhenScannedWithAxe_HaveNoSeriousOrCriticalViolations()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await AxeScan.AssertNoSeriousViolationsAsync(Page, "Pocket ID step");
        await wizard.ClickAsync("Test connection");
        await wizard.ExpectStepDoneAsync();
        await AxeScan.AssertNoSeriousViolationsAsync(Page, "Pocket ID step, verified");
        await wizard.NextAsync("Proxmox Backup Server");
        await wizard.ClickAsync("Test connection");
        await Assertions.Expect(wizard.TrustDialog).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await AxeScan.AssertNoSeriousViolationsAsync(Page, "PBS step with the trust dialog");
        await wizard.TrustDialog.GetByRole(AriaRole.Button, new() { Name = "Trust", Exact = true }).ClickAsync();
        await wizard.ExpectStepDoneAsync();
        await wizard.NextAsync("OIDC client");
        await wizard.ClickAsync("Plan");
        await Assertions.Expect(wizard.PlanList).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });

        await AxeScan.AssertNoSeriousViolationsAsync(Page, "OIDC client step with a plan");
    }

    [ChromiumFact]
    public async Task Keyboard_Only_ReachesTheTestButtonAndRunsIt()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);

        for (var i = 0; i < 40 && await Page.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''") != "Test connection"; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
        }

        await Page.Keyboard.PressAsync("Enter");

        await wizard.ExpectStepDoneAsync();
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
        await Assertions.Expect(wizard.Button("Test connection")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".stepper-compact")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".stepper-compact-title")).ToContainTextAsync("Step 1 of 7: Pocket ID");
        await Assertions.Expect(page.Locator(".mud-stepper-nav")).ToBeHiddenAsync();
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WizardPage.ScreenshotDirectory(), "09-phone.png"), FullPage = true });
        await phone.CloseAsync();
    }
}
