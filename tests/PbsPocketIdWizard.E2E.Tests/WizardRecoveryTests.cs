using System.Net.Http.Json;
using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;
using PbsPocketIdWizard.Web.Prefill;

namespace PbsPocketIdWizard.E2E.Tests;

public sealed class WizardRecoveryTests : ChromiumPageTest
{
    [ChromiumFact]
    public async Task Apply_WhenPocketIdFailsOnce_ShowsTheFailureAndRetrySucceeds()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ConnectBothServersAsync();
        await wizard.ExpectPlanAsync();

        // The same switch the demo and the tests use: the simulator's own fault endpoint.
        using var http = new HttpClient();
        using var armed = await http.PostAsJsonAsync(new Uri(Demo.PocketIdUrl, "/_sim/faults"),
            new { method = "POST", path = "/api/oidc/clients", status = 500, count = 1 });
        armed.EnsureSuccessStatusCode();
        await wizard.PressPrimaryAsync("Create client");

        var failure = wizard.Alerts.Filter(new() { HasText = "Pocket ID" });
        await Assertions.Expect(failure.First).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await Assertions.Expect(failure.First).ToContainTextAsync("500");
        await Assertions.Expect(Page.Locator(".mud-stepper-nav").GetByText("Needs attention")).ToBeVisibleAsync();
        await wizard.ScreenshotAsync("08-failure-shown.png");
        await wizard.PressPrimaryAsync("Retry");

        await wizard.ExpectStepAsync("PBS realm");
        await Assertions.Expect(wizard.Alerts.Filter(new() { HasText = "500" })).ToHaveCountAsync(0);
    }

    [ChromiumFact]
    public async Task Reload_InTheMiddle_ResumesAtTheSameStepWithItsProgress()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ConnectBothServersAsync();

        await Page.ReloadAsync();
        await wizard.WaitForCircuitAsync();

        await wizard.ExpectStepAsync("OIDC client");
        await Assertions.Expect(Page.GetByText("Done")).ToHaveCountAsync(2);
        await wizard.ClickAsync("Back");
        await wizard.ExpectStepAsync("Proxmox Backup Server");
        await Assertions.Expect(wizard.Field("Trusted certificate fingerprint (optional)")).ToHaveValueAsync(Demo.PbsFingerprint);
    }

    [ChromiumFact]
    public async Task Reload_OfAPlannedStep_ShowsThePlanAgainAndCreates()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ConnectBothServersAsync();
        await wizard.ExpectPlanAsync();

        await Page.ReloadAsync(); // the plan itself lives in memory only; the saved status stays Planned
        await wizard.WaitForCircuitAsync();
        await wizard.ExpectStepAsync("OIDC client");
        await wizard.ExpectPlanAsync();
        await wizard.PressPrimaryAsync("Create client");

        await wizard.ExpectStepAsync("PBS realm");
    }

    [ChromiumFact]
    public async Task ResetDemo_AfterProgress_StartsAFreshRunAgainstFreshSimulators()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ConnectBothServersAsync();

        await wizard.ClickAsync("Reset demo");

        await wizard.ExpectStepAsync("Pocket ID");
        await Assertions.Expect(Page.GetByText("Done")).ToHaveCountAsync(0);
        await Assertions.Expect(wizard.Field("Pocket ID address")).ToHaveValueAsync(Demo.PocketIdUrl.GetLeftPart(UriPartial.Authority));
    }

    [ChromiumFact]
    public async Task Undo_AfterARunWithAPreCreatedUser_RemovesWhatTheRunCreated()
    {
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ConnectBothServersAsync();
        await wizard.PressPrimaryAsync("Create client");
        await wizard.ExpectStepAsync("PBS realm");
        await wizard.PressPrimaryAsync("Create realm");
        await wizard.ExpectStepAsync("First sign-in");
        await Page.GetByText("Or create a user ahead of their first sign-in").ClickAsync();
        await wizard.Field("User name (without the realm)").FillAsync("carol");
        await wizard.Field("User name (without the realm)").PressAsync("Tab");
        await wizard.ClickAsync("Add user");
        await wizard.PressPrimaryAsync("Continue");
        await wizard.ExpectStepAsync("Permissions");
        await wizard.PressPrimaryAsync("Grant permissions");
        await wizard.ExpectStepAsync("Summary");
        await wizard.ExpectStepDoneAsync();

        await wizard.ClickAsync("Undo…");
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = "Undo this run?" });
        await Assertions.Expect(confirm).ToContainTextAsync("PBS OpenID realm PocketID");
        await Assertions.Expect(confirm).ToContainTextAsync("Pocket ID OIDC client");
        await Assertions.Expect(confirm).ToContainTextAsync("PBS user carol@PocketID");
        await wizard.ScreenshotAsync("10-undo-confirm.png");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Undo", Exact = true }).ClickAsync();

        await Assertions.Expect(Page.GetByText("Undone: everything this run created was removed")).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Start a new run");
        await wizard.ExpectStepAsync("Pocket ID");
        await Assertions.Expect(Page.GetByText("Undone: everything this run created was removed")).ToHaveCountAsync(0);
        await wizard.PressPrimaryAsync("Connect"); // the new run is pre-filled again
        await wizard.ExpectStepAsync("Proxmox Backup Server");
    }

    private DemoEnvironment Demo =>
        ((DemoSimulators)App.Services.GetService(typeof(DemoSimulators))!).Environment
        ?? throw new InvalidOperationException("Demo simulators are not running.");
}
