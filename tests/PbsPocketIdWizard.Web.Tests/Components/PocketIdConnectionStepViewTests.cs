using Bunit;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class PocketIdConnectionStepViewTests : WizardBunitContext
{
    [Fact]
    public async Task Render_WithSavedApiKey_ShowsAddressAndNeverTheKey()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s =>
        {
            s.PocketId.Url = "https://id.example.com";
            s.PocketId.ApiKey = new Secret("super-secret-key");
        });

        var cut = RenderWithProviders<PocketIdConnectionStepView>();

        Assert.Equal("https://id.example.com", cut.Find("input[type=url]").GetAttribute("value"));
        Assert.Contains("Saved (hidden)", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-key", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("STATIC_API_KEY", cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://id.example.com", true)]
    [InlineData("https://id.example.com", false)]
    public async Task Render_LiveMode_PlainHttpAddressGetsAWarningAboutTheApiKey(string url, bool warned)
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.PocketId.Url = url);

        var cut = RenderWithProviders<PocketIdConnectionStepView>();

        Assert.Equal(warned, cut.FindAll(".cleartext-warning").Count == 1);
        Assert.Equal(warned, cut.Markup.Contains("API key", StringComparison.Ordinal) && cut.Markup.Contains("unencrypted", StringComparison.Ordinal));
        Assert.False(cut.Find("input[type=url]").HasAttribute("readonly"));
    }

    [Fact]
    public async Task Connect_WithFieldError_ShowsTheMessageAtTheUrlField()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection);
        Steps[WizardStepId.PocketIdConnection].ValidationErrors.Add(new FieldError(nameof(PocketIdConnectionInput.Url), "Enter Pocket ID's address, e.g. https://id.example.com."));
        var cut = RenderWithProviders<PocketIdConnectionStepView>();

        await PressPrimaryAsync(cut, "Connect");

        cut.WaitForAssertion(() =>
        {
            var field = cut.Find(".mud-input-control.mud-input-error");
            Assert.Contains("Enter Pocket ID's address", field.TextContent, StringComparison.Ordinal);
        });
        Assert.Equal(StepStatus.Failed, Session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task Connect_WhenVerified_ShowsWhatPocketIdReportedAndMovesOn()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection);
        Steps[WizardStepId.PocketIdConnection].OnVerify = s =>
        {
            s.Results.PocketIdVersion = "2.13.0";
            s.Results.Issuer = "https://id.example.com";
            s.Results.ApiKeyIsAdmin = true;
        };
        var cut = RenderWithProviders<PocketIdConnectionStepView>();

        await PressPrimaryAsync(cut, "Connect");

        cut.WaitForAssertion(() => Assert.Contains("2.13.0", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("https://id.example.com", cut.Find("table").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, Steps[WizardStepId.PocketIdConnection].VerifyCount);
        Assert.Equal(WizardStepId.PbsConnection, Session.State.CurrentStep);
    }

    [Fact]
    public async Task EditUrl_AfterVerified_DropsTheStepBackToReadyAndConnectIsPrimaryAgain()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.PocketId.Url = "https://id.example.com");
        await Session.RunCurrentStepAsync(CancellationToken.None);
        var cut = RenderWithProviders<PocketIdConnectionStepView>();

        await cut.Find("input[type=url]").ChangeAsync(new() { Value = "https://other.example.com" });

        cut.WaitForAssertion(() => Assert.Equal(StepStatus.Ready, Session.StatusOf(WizardStepId.PocketIdConnection)));
        Assert.Equal("https://other.example.com", Session.State.PocketId.Url);
        Assert.Equal("Connect", cut.Find("button.step-primary").TextContent.Trim());
    }
}
