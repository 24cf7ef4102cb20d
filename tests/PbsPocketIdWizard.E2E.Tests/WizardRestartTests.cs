using Microsoft.Playwright;
using PbsPocketIdWizard.E2E.Tests.Pages;
using PbsPocketIdWizard.E2E.Tests.Support;
using PbsPocketIdWizard.Simulators.Hosting;

namespace PbsPocketIdWizard.E2E.Tests;

/// <summary>
/// Live mode against simulators that outlive the app: a restart of the wizard resumes the run at the same step, with
/// the secrets it saved (encrypted with Data Protection under the data directory) still usable.
/// </summary>
public sealed class WizardRestartTests : ChromiumPageTest
{
    protected override bool StartsApp => false;

    [ChromiumFact]
    public async Task Restart_DuringTheRun_ResumesAtTheSameStepWithSavedSecrets()
    {
        await using var servers = await SimulatorServers.StartAsync(new SimulatorServersOptions { Host = "127.0.0.1" }, CancellationToken.None);
        var settings = new Dictionary<string, string?>
        {
            ["Wizard:Mode"] = "Live",
            ["Wizard:PocketId:Url"] = servers.PocketIdUrl.ToString(),
            ["Wizard:Pbs:Url"] = servers.PbsUrl.ToString(),
            ["Wizard:Pbs:Username"] = "root@pam",
        };
        var first = await WizardAppFixture.StartAsync(settings);
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(first.SignInLink);

        await wizard.Field("API key").FillAsync(servers.PocketIdApiKey);
        await wizard.Field("API key").PressAsync("Tab");
        await wizard.PressPrimaryAsync("Connect");
        await wizard.ExpectStepAsync("Proxmox Backup Server");
        await wizard.Field("Password").FillAsync(servers.PbsRootPassword);
        await wizard.Field("Password").PressAsync("Tab");
        await wizard.PressPrimaryAsync("Connect");
        await Assertions.Expect(wizard.TrustDialog).ToBeVisibleAsync(new() { Timeout = WizardPage.ActionTimeoutMs });
        await wizard.PressPrimaryAsync("Trust");
        await wizard.ExpectStepAsync("OIDC client");
        await Page.GotoAsync("about:blank"); // closes the circuit, so the host stops without waiting for it
        await first.StopAsync();

        await using var second = await WizardAppFixture.StartAsync(settings, first.DataDirectory);
        await wizard.OpenAsync(second.SignInLink);

        await wizard.ExpectStepAsync("OIDC client");
        await Assertions.Expect(Page.GetByText("Done")).ToHaveCountAsync(2);
        await wizard.ClickAsync("Back");
        await wizard.ExpectStepAsync("Proxmox Backup Server");
        await Assertions.Expect(Page.GetByText("Saved (hidden). Type a new value to replace it.")).ToBeVisibleAsync();
        await wizard.ClickAsync("Test again");
        await wizard.ExpectStepDoneAsync(); // the saved password and the pinned fingerprint still work
        await Page.GotoAsync("about:blank");
    }

    [ChromiumFact]
    public async Task Restart_InDemoMode_StartsANewRunAndSaysSo()
    {
        var first = await WizardAppFixture.StartAsync();
        var wizard = new WizardPage(Page);
        await wizard.OpenAsync(first.SignInLink);
        await wizard.PressPrimaryAsync("Connect");
        await wizard.ExpectStepAsync("Proxmox Backup Server");
        await Page.GotoAsync("about:blank");
        await first.StopAsync();

        await using var second = await WizardAppFixture.StartAsync(dataDirectory: first.DataDirectory);
        await wizard.OpenAsync(second.SignInLink);

        // The demo simulators came back empty on new ports: the old run could not continue, and the admin is told.
        await wizard.ExpectStepAsync("Pocket ID");
        await Assertions.Expect(Page.GetByText("The demo simulators restarted")).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("Done")).ToHaveCountAsync(0);
        await Page.GotoAsync("about:blank");
    }
}
