using Bunit;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class OidcClientStepViewTests : WizardBunitContext
{
    [Fact]
    public async Task Render_WithPbsAddressWithoutPort_DerivesTheCallbackWith8007()
    {
        await StartAtAsync(WizardStepId.OidcClient, s => s.Pbs.Url = "https://pbs.example.com");

        var cut = RenderWithProviders<OidcClientStepView>();

        Assert.Equal("https://pbs.example.com:8007", cut.Find("code.callback-url").TextContent);
        Assert.Contains("Pocket ID compares it exactly", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("Proxmox Backup Server", cut.FindAll("input").First().GetAttribute("value"));
    }

    [Fact]
    public async Task Open_ShowsThePlanAndThePrimaryButtonCreatesVerifiesAndMovesOn()
    {
        await StartAtAsync(WizardStepId.OidcClient, s => s.Pbs.Url = "https://pbs.example.com:8007");
        var step = Steps[WizardStepId.OidcClient];
        step.Changes.Add(new PlannedChange(ChangeKind.Create, "Pocket ID OIDC client", "Proxmox Backup Server, callback https://pbs.example.com:8007"));
        step.Changes.Add(new PlannedChange(ChangeKind.NoChange, "Pocket ID group restriction", "none"));
        var cut = RenderWithProviders<OidcClientStepView>();

        cut.WaitForAssertion(() => Assert.Contains("Planned changes", cut.Markup, StringComparison.Ordinal));
        var chips = cut.FindAll(".plan-list .mud-chip").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(0, step.ApplyCount);
        await PressPrimaryAsync(cut, "Create client");

        Assert.Equal(["Create", "No change"], chips);
        cut.WaitForAssertion(() => Assert.Equal(StepStatus.Verified, Session.StatusOf(WizardStepId.OidcClient)));
        Assert.Equal(1, step.PlanCount);
        Assert.Equal(1, step.ApplyCount);
        Assert.Equal(1, step.VerifyCount);
        Assert.Equal(WizardStepId.PbsRealm, Session.State.CurrentStep);
    }

    [Fact]
    public async Task Apply_Succeeded_ShowsThePlanAsWhatWasDone()
    {
        await StartAtAsync(WizardStepId.OidcClient, s => s.Pbs.Url = "https://pbs.example.com:8007");
        Steps[WizardStepId.OidcClient].Changes.Add(new PlannedChange(ChangeKind.Create, "Pocket ID OIDC client", "Proxmox Backup Server"));
        var cut = RenderWithProviders<OidcClientStepView>();

        await PressPrimaryAsync(cut, "Create client");

        cut.WaitForAssertion(() => Assert.Equal(StepStatus.Verified, Session.StatusOf(WizardStepId.OidcClient)));
        Assert.Equal("Applied", cut.Find(".plan-view h3").TextContent.Trim());
        Assert.Equal("Applied changes", cut.Find(".plan-list").GetAttribute("aria-label"));
        Assert.Equal(["Created"], cut.FindAll(".plan-list .mud-chip").Select(c => c.TextContent.Trim()));
        Assert.DoesNotContain("Planned changes", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WithFieldErrorOnName_ShowsItAtTheNameField()
    {
        await StartAtAsync(WizardStepId.OidcClient, s => s.Pbs.Url = "https://pbs.example.com:8007");
        Steps[WizardStepId.OidcClient].ApplyOutcome = StepOutcome.Failure(new FieldError(nameof(OidcClientInput.Name), "Pocket ID already has a client with this name."));
        var cut = RenderWithProviders<OidcClientStepView>();

        await PressPrimaryAsync(cut, "Next");

        cut.WaitForAssertion(() => Assert.Contains("already has a client", cut.Find(".mud-input-control.mud-input-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddCallbackUrl_StoresItInTheInputs()
    {
        await StartAtAsync(WizardStepId.OidcClient, s => s.Pbs.Url = "https://pbs.example.com:8007");
        var cut = RenderWithProviders<OidcClientStepView>();

        await Button(cut, "Add callback URL").ClickAsync(new());
        await cut.Find("input[placeholder='https://pbs.example.com']").ChangeAsync(new() { Value = "https://backup.example.com" });

        cut.WaitForAssertion(() => Assert.Equal(["https://backup.example.com"], Session.State.Client.ExtraCallbackUrls));
    }

    [Fact]
    public async Task PickClient_SeveralHandMadeCandidates_StoresTheChoiceInTheRunAndPlansAgain()
    {
        await StartAtAsync(WizardStepId.OidcClient, s =>
        {
            s.Pbs.Url = "https://pbs.example.com:8007";
            s.Results.ClientCandidates =
            [
                new ClientCandidate("client-a", "Proxmox Backup Server", ["https://pbs.example.com"]),
                new ClientCandidate("client-b", "Proxmox Backup Server", ["https://pbs.example.com/"]),
            ];
        });
        var step = Steps[WizardStepId.OidcClient];
        var cut = RenderWithProviders<OidcClientStepView>();
        cut.WaitForAssertion(() => Assert.Equal(1, step.PlanCount));

        Assert.Contains("Which existing client should PBS use?", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("client.id", cut.Markup, StringComparison.Ordinal);
        var radios = cut.FindAll(".client-picker input[type=radio]");
        Assert.Equal(2, radios.Count);
        await radios[1].ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("client-b", Session.State.Client.AdoptClientId));
        cut.WaitForAssertion(() => Assert.Equal(2, step.PlanCount));
        Assert.Equal("client-b", (await Store.LoadActiveAsync(CancellationToken.None))?.Client.AdoptClientId);
    }

    [Theory]
    [InlineData("2.14.0", false)]
    [InlineData("1.13.1", true)]
    [InlineData(null, true)]
    public async Task Render_DarkLogoPicker_OnlyForPocketIdWithDarkLogos(string? version, bool disabled)
    {
        await StartAtAsync(WizardStepId.OidcClient, s =>
        {
            s.Pbs.Url = "https://pbs.example.com";
            s.Results.PocketIdVersion = version;
        });

        var cut = RenderWithProviders<OidcClientStepView>();

        var button = cut.Find(".client-dark-logo button");
        Assert.Equal("Choose dark-mode logo…", button.TextContent.Trim());
        Assert.Equal(disabled, button.HasAttribute("disabled"));
        Assert.Contains(disabled ? "Needs Pocket ID 1.14 or later" : "Shown by Pocket ID in dark mode", cut.Find(".client-dark-logo").TextContent, StringComparison.Ordinal);
        Assert.Equal("Choose logo…", cut.Find(".client-logo button").TextContent.Trim());
    }

    [Fact]
    public async Task Render_DarkLogoInMemory_ShowsItsPreviewAndRemoveClearsIt()
    {
        await StartAtAsync(WizardStepId.OidcClient, s =>
        {
            s.Pbs.Url = "https://pbs.example.com";
            s.Results.PocketIdVersion = "2.14.0";
            s.Client.DarkLogoFileName = "dark.svg";
            s.Client.DarkLogoContent = "<svg/>"u8.ToArray();
        });
        var cut = RenderWithProviders<OidcClientStepView>();
        Assert.StartsWith("data:image/svg+xml;base64,", cut.Find(".client-dark-logo img.logo-preview").GetAttribute("src"), StringComparison.Ordinal);

        await cut.FindAll(".client-dark-logo button").Single(b => b.TextContent.Contains("Remove dark-mode logo", StringComparison.Ordinal)).ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Null(Session.State.Client.DarkLogoFileName));
        Assert.Null(Session.State.Client.DarkLogoContent);
    }
}
