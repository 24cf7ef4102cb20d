using Bunit;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class WizardStepperTests : WizardBunitContext
{
    [Fact]
    public async Task Render_ShowsEveryStepWithItsStatusAndTheCurrentView()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection);

        var cut = RenderWithProviders<WizardStepper>();

        var titles = cut.FindAll(".mud-step-label-content-title").Select(t => t.TextContent).ToList();
        Assert.Equal(["Pocket ID", "Proxmox Backup Server", "OIDC client", "PBS realm", "First sign-in", "Permissions", "Summary"], titles);
        Assert.Contains("Pocket ID address", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_LaterStep_CompactLineNamesTheStepAndItsPosition()
    {
        await StartAtAsync(WizardStepId.FirstSignIn);

        var cut = RenderWithProviders<WizardStepper>();

        var line = cut.Find(".stepper-compact-title").TextContent;
        Assert.Contains("Step 5 of 7:", line, StringComparison.Ordinal);
        Assert.Contains("First sign-in", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickLaterStep_WhenCurrentIsNotVerified_StaysOnTheCurrentStep()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection);
        var cut = RenderWithProviders<WizardStepper>();

        await cut.FindAll("button.mud-step")[2].ClickAsync(new());

        Assert.Equal(WizardStepId.PocketIdConnection, Session.State.CurrentStep);
        Assert.Contains("Pocket ID address", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickEarlierStep_GoesBackThroughTheSession()
    {
        await StartAtAsync(WizardStepId.OidcClient, s => s.Pbs.Url = "https://pbs.example.com");
        var cut = RenderWithProviders<WizardStepper>();

        await cut.FindAll("button.mud-step")[0].ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Pocket ID address", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(WizardStepId.PocketIdConnection, Session.State.CurrentStep);
    }

    [Fact]
    public async Task ConnectAndBack_MoveThroughTheSession()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection);
        var cut = RenderWithProviders<WizardStepper>();

        await PressPrimaryAsync(cut, "Connect");
        cut.WaitForAssertion(() => Assert.Contains("PBS address", cut.Markup, StringComparison.Ordinal));
        await Button(cut, "Back").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Pocket ID address", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(WizardStepId.PocketIdConnection, Session.State.CurrentStep);
    }
}
