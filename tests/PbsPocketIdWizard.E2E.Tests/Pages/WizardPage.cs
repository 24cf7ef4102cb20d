using Microsoft.Playwright;

namespace PbsPocketIdWizard.E2E.Tests.Pages;

/// <summary>Page object for the wizard: role-based locators only, so tests read like what the admin sees.</summary>
public sealed class WizardPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator MainHeading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator DarkModeToggle => Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Switch to (dark|light) mode$") });

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
}
