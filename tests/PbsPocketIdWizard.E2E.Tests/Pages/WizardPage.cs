using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PbsPocketIdWizard.E2E.Tests.Pages;

/// <summary>Page object for the wizard: role-based locators only, so tests read like what the admin sees.</summary>
public sealed class WizardPage(IPage page)
{
    /// <summary>Server round trips (PBS's TLS, sign-in, Pocket ID) on a shared 2-core machine: generous but bounded.</summary>
    public const float ActionTimeoutMs = 20_000;

    public IPage Page { get; } = page;

    public ILocator MainHeading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator DarkModeToggle => Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Switch to (dark|light) mode$") });

    public ILocator DemoBanner => Page.GetByText("Demo mode — built-in simulators");

    public ILocator StepHeading => Page.GetByRole(AriaRole.Heading, new() { Level = 2 });

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Alerts => Page.GetByRole(AriaRole.Alert);

    public ILocator TrustDialog => Page.GetByRole(AriaRole.Dialog, new() { Name = "Trust this PBS certificate?" });

    public ILocator PlanList => Page.GetByRole(AriaRole.List, new() { Name = "Planned changes" });

    public ILocator PbsSignInLink => Page.Locator("a.pbs-signin-link");

    public ILocator UserCheckbox(string userId) => Page.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex(Regex.Escape(userId)) });

    public async Task OpenAsync(Uri link)
    {
        await Page.GotoAsync(link.ToString());
        await WaitForCircuitAsync();
    }

    /// <summary>Waits until the interactive circuit is live: the layout re-rendered over SignalR marks itself.</summary>
    public async Task WaitForCircuitAsync() =>
        await Assertions.Expect(Page.Locator(".mud-layout[data-interactive='true']")).ToBeAttachedAsync(new() { Timeout = 15_000 });

    public async Task<string> DarkModeToggleNameAsync() =>
        await DarkModeToggle.GetAttributeAsync("aria-label") ?? string.Empty;

    public async Task ExpectStepAsync(string title) =>
        await Assertions.Expect(StepHeading).ToHaveTextAsync(title, new() { Timeout = ActionTimeoutMs });

    /// <summary>The step verified: its success message is shown and Next (or Finish) became available.</summary>
    public async Task ExpectStepDoneAsync() =>
        await Assertions.Expect(Page.Locator(".step-frame .mud-alert-text-success, .step-frame .mud-alert-filled-success, .step-frame .mud-alert-outlined-success").First)
            .ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });

    public async Task ClickAsync(string button)
    {
        await Assertions.Expect(Button(button)).ToBeEnabledAsync(new() { Timeout = ActionTimeoutMs });
        await Button(button).ClickAsync();
    }

    public async Task NextAsync(string nextTitle)
    {
        await ClickAsync("Next");
        await ExpectStepAsync(nextTitle);
    }

    /// <summary>Plan, wait for the plan list, Apply (which verifies), wait until done.</summary>
    public async Task PlanAndApplyAsync()
    {
        await ClickAsync("Plan");
        await Assertions.Expect(PlanList.Or(Page.GetByText("Nothing to change."))).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await ClickAsync("Apply");
        await ExpectStepDoneAsync();
    }

    /// <summary>Steps 1 and 2 with the PBS certificate trusted, ending on the OIDC client step.</summary>
    public async Task ConnectBothServersAsync()
    {
        await ClickAsync("Test connection");
        await ExpectStepDoneAsync();
        await NextAsync("Proxmox Backup Server");
        await ClickAsync("Test connection");
        await Assertions.Expect(TrustDialog).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await TrustDialog.GetByRole(AriaRole.Button, new() { Name = "Trust", Exact = true }).ClickAsync();
        await ExpectStepDoneAsync();
        await NextAsync("OIDC client");
    }

    /// <summary>Picks a Pocket ID group in the OIDC client's (multi-select) group restriction.</summary>
    public async Task RestrictToGroupAsync(string group)
    {
        await Page.GetByLabel("Restrict to Pocket ID groups (optional)").ClickAsync();
        var option = Page.GetByRole(AriaRole.Option, new() { Name = group });
        await Assertions.Expect(option).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await option.ClickAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(Page.GetByText(group).First).ToBeVisibleAsync();
    }

    public async Task ScreenshotAsync(string fileName)
    {
        var directory = ScreenshotDirectory();
        Directory.CreateDirectory(directory);
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)"); // a fixed app bar otherwise lands mid-page
        await Page.ScreenshotAsync(new() { Path = Path.Combine(directory, fileName), FullPage = true });
    }

    /// <summary>
    /// TestResults/screenshots of the repository by default; docs/screenshots (tracked) only when
    /// WIZARD_UPDATE_SCREENSHOTS=1, so a normal test run never rewrites the documentation's images (docs/testing.md).
    /// </summary>
    public static string ScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PbsPocketIdWizard.sln")))
        {
            dir = dir.Parent;
        }

        var root = dir?.FullName ?? Path.GetTempPath();
        var path = Environment.GetEnvironmentVariable("WIZARD_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(root, "docs", "screenshots")
            : Path.Combine(root, "TestResults", "screenshots");
        return Directory.CreateDirectory(path).FullName;
    }
}
