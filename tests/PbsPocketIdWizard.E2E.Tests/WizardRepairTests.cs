using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;
using PbsPocketIdWizard.Simulators.Hosting;
using PbsPocketIdWizard.Web.Prefill;

namespace PbsPocketIdWizard.E2E.Tests;

/// <summary>
/// The admin who followed the how-to by hand and got stuck: the simulators hold its client (callback without the port)
/// and realm (issuer with a trailing slash), and the sign-in on PBS fails. The wizard's "Check an existing setup" finds
/// both mistakes, Repair walks the usual steps with the repairs planned, and the same sign-in then works.
/// </summary>
public sealed class WizardRepairTests : ChromiumPageTest
{
    private SimulatorServers Sims => App.Services.GetRequiredService<DemoSimulators>().Servers
        ?? throw new InvalidOperationException("The demo simulators are not running.");

    [ChromiumFact]
    public async Task CheckAndRepair_HowToStuckSetup_KeepsTheSameClientAndTheSignInWorksAfter()
    {
        var made = await HowToSetup.MakeAsync(Sims, new HowToSetupOptions(), CancellationToken.None);

        // Before: the PBS login page cannot even start the OpenID sign-in (the issuer does not match).
        var before = await Page.Context.NewPageAsync();
        await before.GotoAsync(Sims.PbsOrigin);
        var pbs = new PbsSignInPage(before);
        await Assertions.Expect(pbs.Realm).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await pbs.Realm.SelectOptionAsync(new SelectOptionValue { Value = "PocketID" });
        await pbs.OpenIdLogin.ClickAsync();
        await Assertions.Expect(before.GetByRole(AriaRole.Alert)).ToContainTextAsync("OpenID redirect failed", new() { Timeout = WizardPage.ActionTimeoutMs });
        await before.CloseAsync();

        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(App.SignInLink);
        await wizard.ExpectStepAsync("Pocket ID");
        await wizard.ClickAsync("Check an existing setup");

        // The PBS certificate is not trusted yet: the check sends the admin to the PBS step, and comes back after Trust.
        var check = Page.GetByRole(AriaRole.Dialog, new() { Name = "Check an existing setup" });
        await Assertions.Expect(check).ToContainTextAsync("could not be checked", new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Go to Proxmox Backup Server");
        await Assertions.Expect(wizard.TrustDialog).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Trust");

        var findings = check.GetByRole(AriaRole.List, new() { Name = "Findings" });
        await Assertions.Expect(findings).ToContainTextAsync($"callback {made.CallbackUrl} → {Sims.PbsOrigin}", new() { Timeout = WizardPage.ActionTimeoutMs });
        await Assertions.Expect(findings).ToContainTextAsync("trailing slash");
        await Assertions.Expect(findings).ToContainTextAsync(made.ClientId);
        await Assertions.Expect(findings).ToContainTextAsync("made outside this wizard");
        await check.ScreenshotAsync(new() { Path = Path.Combine(WizardPage.ScreenshotDirectory(), "11-check-existing-setup.png") });
        await wizard.PressPrimaryAsync("Repair");

        await wizard.ExpectStepAsync("OIDC client");
        await Assertions.Expect(wizard.PlanList).ToContainTextAsync("adopt", new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Update client");
        await wizard.ExpectStepAsync("PBS realm");
        await Assertions.Expect(wizard.PlanList).ToContainTextAsync("issuer", new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Update realm");

        // After: the same sign-in works (PBS creates alice at it), then the permissions and the summary.
        await wizard.ExpectStepAsync("First sign-in");
        var popup = await Page.RunAndWaitForPopupAsync(() => wizard.PressPrimaryAsync("Open PBS sign-in"));
        var after = new PbsSignInPage(popup);
        await after.SignInWithPocketIdAsync("PocketID", "alice");
        await Assertions.Expect(after.Status).ToHaveTextAsync("Signed in as alice@PocketID", new() { Timeout = WizardPage.ActionTimeoutMs });
        await popup.CloseAsync();
        await Assertions.Expect(wizard.UserCheckbox("alice@PocketID")).ToBeCheckedAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Continue");
        await wizard.ExpectStepAsync("Permissions");
        await wizard.ExpectPlanAsync();
        await wizard.PressPrimaryAsync("Grant permissions");
        await wizard.ExpectStepAsync("Summary");
        await Assertions.Expect(Page.GetByRole(AriaRole.List, new() { Name = "Verification checklist" })).Not.ToContainTextAsync("Failed:", new() { Timeout = WizardPage.ActionTimeoutMs });

        var client = Assert.Single(Sims.PocketIdState.Clients, c => c.Name == "Proxmox Backup Server");
        Assert.Equal(made.ClientId, client.Id);
        Assert.Equal([Sims.PbsOrigin], client.CallbackUrls);
        var realm = Sims.PbsState.Realms.Single(r => r.Name == "PocketID").Properties;
        Assert.Equal(Sims.PocketIdIssuer, realm["issuer-url"]);
        Assert.Equal(made.ClientId, realm["client-id"]);
    }
}
