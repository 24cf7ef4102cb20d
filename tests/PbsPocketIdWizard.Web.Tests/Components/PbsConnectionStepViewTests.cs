using Bunit;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class PbsConnectionStepViewTests : WizardBunitContext
{
    private const string Presented = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99";

    [Fact]
    public async Task Render_WithPassword_ShowsAddressUserAndPortHint()
    {
        await StartAtAsync(WizardStepId.PbsConnection, s =>
        {
            s.Pbs.Url = "https://pbs.example.com";
            s.Pbs.Password = new Secret("pbs-password");
        });

        var cut = RenderWithProviders<PbsConnectionStepView>();

        Assert.Contains("Port 8007 is assumed", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("root@pam", cut.FindAll("input").Select(i => i.GetAttribute("value")));
        Assert.DoesNotContain("pbs-password", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("input[autocomplete=one-time-code]"));
    }

    [Fact]
    public async Task Connect_WhenPbsAsksForTotp_ShowsTheTotpFieldWithTheMessage()
    {
        await StartAtAsync(WizardStepId.PbsConnection, s => s.Pbs.Url = "https://pbs.example.com");
        Steps[WizardStepId.PbsConnection].VerifyOutcome = StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.TotpCode), "PBS asks for a TOTP code for root@pam."));
        var cut = RenderWithProviders<PbsConnectionStepView>();

        await PressPrimaryAsync(cut, "Connect");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("input[autocomplete=one-time-code]")));
        Assert.Contains("PBS asks for a TOTP code", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondFactorField_TakesARecoveryKey_TypedAsText()
    {
        await StartAtAsync(WizardStepId.PbsConnection, s => s.Pbs.Url = "https://pbs.example.com");
        Steps[WizardStepId.PbsConnection].VerifyOutcome = StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.TotpCode), "PBS asks for a second factor."));
        var cut = RenderWithProviders<PbsConnectionStepView>();
        await PressPrimaryAsync(cut, "Connect");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".second-factor input")));

        await cut.Find(".second-factor input").ChangeAsync(new() { Value = "3f2a-9c41-0b7d-e865" });

        Assert.Contains("TOTP code or recovery key", cut.Markup, StringComparison.Ordinal);
        Assert.NotEqual("numeric", cut.Find(".second-factor input").GetAttribute("inputmode"));
        cut.WaitForAssertion(() => Assert.Equal("3f2a-9c41-0b7d-e865", Session.State.Pbs.TotpCode));
    }

    [Fact]
    public async Task Connect_WithUntrustedCertificate_AsksAndTrustPinsTheFingerprintRetestsAndMovesOn()
    {
        await StartAtAsync(WizardStepId.PbsConnection, s => s.Pbs.Url = "https://pbs.example.com");
        var step = Steps[WizardStepId.PbsConnection];
        step.VerifyOutcome = StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.Fingerprint), "PBS presented a certificate that is not trusted."));
        step.OnVerify = s => s.Results.PbsPresentedFingerprint = Presented;
        var cut = RenderWithProviders<PbsConnectionStepView>();

        await PressPrimaryAsync(cut, "Connect");
        DialogProvider.WaitForAssertion(() => Assert.Contains(Presented, DialogProvider.Markup, StringComparison.Ordinal));
        Assert.Contains("Show Fingerprint", DialogProvider.Markup, StringComparison.Ordinal);
        step.VerifyOutcome = StepOutcome.Success("Connected to PBS 4.0.");
        step.OnVerify = null;
        await Button(DialogProvider, "Trust").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(StepStatus.Verified, Session.StatusOf(WizardStepId.PbsConnection)));
        Assert.Equal(Presented, Session.State.Pbs.Fingerprint);
        Assert.Equal(2, step.VerifyCount);
        Assert.Equal(WizardStepId.OidcClient, Session.State.CurrentStep);
    }

    [Fact]
    public async Task TrustDialog_WhenCancelled_LeavesThePinUnset()
    {
        await StartAtAsync(WizardStepId.PbsConnection, s => s.Pbs.Url = "https://pbs.example.com");
        var step = Steps[WizardStepId.PbsConnection];
        step.VerifyOutcome = StepOutcome.Failure("PBS presented a certificate that is not trusted.");
        step.OnVerify = s => s.Results.PbsPresentedFingerprint = Presented;
        var cut = RenderWithProviders<PbsConnectionStepView>();

        await PressPrimaryAsync(cut, "Connect");
        DialogProvider.WaitForAssertion(() => Assert.Contains("Trust this PBS certificate?", DialogProvider.Markup, StringComparison.Ordinal));
        await Button(DialogProvider, "Cancel").ClickAsync(new());

        DialogProvider.WaitForAssertion(() => Assert.DoesNotContain(Presented, DialogProvider.Markup, StringComparison.Ordinal));
        Assert.Null(Session.State.Pbs.Fingerprint);
        Assert.Equal(1, step.VerifyCount);
        Assert.Equal(StepStatus.Failed, Session.StatusOf(WizardStepId.PbsConnection));
    }
}
