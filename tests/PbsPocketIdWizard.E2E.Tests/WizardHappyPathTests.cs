using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;
using Xunit.Abstractions;

namespace PbsPocketIdWizard.E2E.Tests;

public sealed class WizardHappyPathTests(ITestOutputHelper output) : ChromiumPageTest
{
    /// <summary>The promise to the admin: the whole demo setup in at most this many clicks in the wizard.</summary>
    private const int ClickBudget = 10;

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [ChromiumFact]
    public async Task AllSteps_InDemoMode_FinishWithARealSignInPressingOnlyTheOnePrimaryButtonOfEachScreen()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await Assertions.Expect(wizard.DemoBanner).ToBeVisibleAsync();

        // Every press goes through PressPrimaryAsync, which first asserts the screen has exactly one enabled primary.
        await wizard.WalkDemoSetupAsync((name, page) =>
            page.ScreenshotAsync(new() { Path = Path.Combine(WizardPage.ScreenshotDirectory(), name + ".png"), FullPage = true }));

        // bench/run.sh reads this line for docs/benchmarks.md.
        output.WriteLine($"clicks in the wizard: {wizard.PrimaryClicks}");
        Assert.InRange(wizard.PrimaryClicks, 1, ClickBudget);
    }

    [ChromiumFact]
    public async Task OidcClient_WithALogoAndAGroup_ReplansAndCreatesTheClient()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ConnectBothServersAsync();

        await Page.Locator(".client-logo input[type=file]").SetInputFilesAsync(new FilePayload { Name = "pbs.png", MimeType = "image/png", Buffer = OnePixelPng });
        await Assertions.Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Logo preview: pbs.png" })).ToBeVisibleAsync();
        await Page.Locator(".client-dark-logo input[type=file]").SetInputFilesAsync(new FilePayload { Name = "pbs-dark.png", MimeType = "image/png", Buffer = OnePixelPng });
        await Assertions.Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Dark-mode logo preview: pbs-dark.png" })).ToBeVisibleAsync();
        await Assertions.Expect(wizard.PlanList).ToContainTextAsync("dark-mode logo", new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.RestrictToGroupAsync("pbs-admins");
        await Assertions.Expect(wizard.PlanList).ToContainTextAsync("pbs-admins", new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Create client");

        await wizard.ExpectStepAsync("PBS realm");
        await wizard.ClickAsync("Back");
        await Assertions.Expect(Page.GetByRole(AriaRole.List, new() { Name = "Applied changes" })).ToContainTextAsync("dark-mode logo");
    }
}
