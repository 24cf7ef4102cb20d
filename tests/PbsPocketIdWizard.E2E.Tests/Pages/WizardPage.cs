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

    /// <summary>The open step's title (a dialog's title is a level-2 heading too).</summary>
    public ILocator StepHeading => Page.Locator("form.step-frame").GetByRole(AriaRole.Heading, new() { Level = 2 });

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

    /// <summary>The step verified: its success message is shown.</summary>
    public async Task ExpectStepDoneAsync() =>
        await Assertions.Expect(Page.Locator(".step-frame .mud-alert-text-success, .step-frame .mud-alert-filled-success, .step-frame .mud-alert-outlined-success").First)
            .ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });

    public async Task ClickAsync(string button)
    {
        await Assertions.Expect(Button(button)).ToBeEnabledAsync(new() { Timeout = ActionTimeoutMs });
        await Button(button).ClickAsync();
    }

    /// <summary>How many times the admin pressed a primary button (or the PBS link) through <see cref="PressPrimaryAsync"/>.</summary>
    public int PrimaryClicks { get; private set; }

    /// <summary>
    /// The filled (primary) buttons and links the admin can press now: the open dialog's when there is one, since a
    /// dialog covers the page.
    /// </summary>
    public async Task<ILocator> EnabledPrimariesAsync()
    {
        var dialog = Page.Locator(".mud-dialog");
        var scope = await dialog.CountAsync() > 0 ? dialog : Page.Locator("body");
        return scope.Locator(".mud-button-filled:visible:not([disabled])");
    }

    /// <summary>Asserts the screen has exactly one enabled primary button, named <paramref name="label"/>, and presses it.</summary>
    public async Task PressPrimaryAsync(string label)
    {
        var primaries = await EnabledPrimariesAsync();
        await Assertions.Expect(primaries).ToHaveTextAsync([label], new() { Timeout = ActionTimeoutMs });
        PrimaryClicks++;
        await primaries.ClickAsync();
    }

    /// <summary>Steps 1 and 2 with the PBS certificate trusted (Connect, Trust, Connect), ending on the OIDC client step.</summary>
    public async Task ConnectBothServersAsync()
    {
        await PressPrimaryAsync("Connect");
        await ExpectStepAsync("Proxmox Backup Server");
        await PressPrimaryAsync("Connect");
        await Assertions.Expect(TrustDialog).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await PressPrimaryAsync("Trust");
        await ExpectStepAsync("OIDC client");
    }

    /// <summary>A change step's plan is on screen (it is made as the step opens).</summary>
    public async Task ExpectPlanAsync() =>
        await Assertions.Expect(PlanList.Or(Page.GetByText("Nothing to change."))).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });

    /// <summary>
    /// The whole demo setup, pressing only each screen's one primary button (and the PBS link at the pause, with a real
    /// OpenID sign-in in the tab it opens). <paramref name="atEachScreen"/> sees every screen once it has settled:
    /// its name (the screenshot's file name, without .png) and its page (the wizard, or PBS's tab).
    /// </summary>
    public async Task WalkDemoSetupAsync(Func<string, IPage, Task> atEachScreen)
    {
        await ExpectStepAsync("Pocket ID");
        await atEachScreen("01-pocket-id", Page);
        await PressPrimaryAsync("Connect");

        await ExpectStepAsync("Proxmox Backup Server");
        await atEachScreen("02-pbs", Page);
        await PressPrimaryAsync("Connect");
        await Assertions.Expect(TrustDialog).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await Assertions.Expect(TrustDialog).ToContainTextAsync("Show Fingerprint");
        await atEachScreen("02-pbs-trust-certificate", Page);
        await PressPrimaryAsync("Trust");

        await ExpectStepAsync("OIDC client");
        await Assertions.Expect(Page.Locator("code.callback-url")).ToHaveTextAsync(new Regex(@"^https://127\.0\.0\.1:\d+$"));
        await ExpectPlanAsync();
        await atEachScreen("03-oidc-client", Page);
        await PressPrimaryAsync("Create client");

        await ExpectStepAsync("PBS realm");
        await Assertions.Expect(Page.Locator("code.preview-userid")).ToHaveTextAsync("alice@PocketID", new() { Timeout = ActionTimeoutMs });
        await ExpectPlanAsync();
        await atEachScreen("04-pbs-realm", Page);
        await PressPrimaryAsync("Create realm");

        await ExpectStepAsync("First sign-in");
        await atEachScreen("05-first-sign-in-waiting", Page);
        var popup = await Page.RunAndWaitForPopupAsync(() => PressPrimaryAsync("Open PBS sign-in"));
        var pbs = new PbsSignInPage(popup);
        await pbs.SignInWithPocketIdAsync("PocketID", "alice");
        await Assertions.Expect(pbs.Status).ToHaveTextAsync("Signed in as alice@PocketID", new() { Timeout = ActionTimeoutMs });
        await atEachScreen("05-pbs-signed-in", popup);
        await popup.CloseAsync();
        await Assertions.Expect(UserCheckbox("alice@PocketID")).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await Assertions.Expect(UserCheckbox("alice@PocketID")).ToBeCheckedAsync(); // the first user is pre-selected
        await atEachScreen("05-first-sign-in", Page);
        await PressPrimaryAsync("Continue");

        await ExpectStepAsync("Permissions");
        await Assertions.Expect(Page.GetByText("alice@PocketID").First).ToBeVisibleAsync();
        await ExpectPlanAsync();
        await atEachScreen("06-permissions", Page);
        await PressPrimaryAsync("Grant permissions");

        await ExpectStepAsync("Summary");
        var checklist = Page.GetByRole(AriaRole.List, new() { Name = "Verification checklist" });
        await Assertions.Expect(checklist).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await Assertions.Expect(checklist).Not.ToContainTextAsync("Failed:");
        await atEachScreen("07-summary", Page);
        await PressPrimaryAsync("Finish");
        await Assertions.Expect(Page.GetByText("This run is finished")).ToBeVisibleAsync(new() { Timeout = ActionTimeoutMs });
        await atEachScreen("07-finished", Page);
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
