using Bunit;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class PbsRealmStepViewTests : WizardBunitContext
{
    [Fact]
    public async Task Render_ShowsRealmDefaultsAndTheCannotChangeWarning()
    {
        await StartAtAsync(WizardStepId.PbsRealm);

        var cut = RenderWithProviders<PbsRealmStepView>();

        Assert.Equal("PocketID", cut.FindAll("input").First().GetAttribute("value"));
        Assert.Contains("cannot change the username claim", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(3, cut.FindAll("input[type=radio]").Count);
    }

    [Fact]
    public async Task Render_WhenPbsLacksTheDefaultFlag_DisablesTheDefaultCheckbox()
    {
        await StartAtAsync(WizardStepId.PbsRealm, s => s.Results.PbsSupportsDefaultRealm = false);

        var cut = RenderWithProviders<PbsRealmStepView>();

        Assert.Contains("needs PBS 3.3.7 or later", cut.Markup, StringComparison.Ordinal);
        Assert.True(cut.FindAll("input[type=checkbox]").First().HasAttribute("disabled"));
    }

    [Fact]
    public async Task Verify_ShowsTheAuthUrlCheck()
    {
        await StartAtAsync(WizardStepId.PbsRealm);
        Steps[WizardStepId.PbsRealm].OnVerify = s => s.Results.RealmAuthUrlCheck = "PBS reached http://id.example.com and got an authorization URL.";
        var cut = RenderWithProviders<PbsRealmStepView>();

        await PressPrimaryAsync(cut, "Next"); // nothing to change: still applied (recorded) and verified

        cut.WaitForAssertion(() => Assert.Contains("auth-url check", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("got an authorization URL", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChooseEmailClaim_StoresItAndShowsANewPlan()
    {
        await StartAtAsync(WizardStepId.PbsRealm);
        var cut = RenderWithProviders<PbsRealmStepView>();
        cut.WaitForAssertion(() => Assert.Equal(StepStatus.Planned, Session.StatusOf(WizardStepId.PbsRealm)));
        var before = Session.State.PlanFingerprints[WizardStepId.PbsRealm];

        await cut.FindAll("input[type=radio]")[1].ClickAsync(new()); // username, email, subject

        cut.WaitForAssertion(() => Assert.Equal("email", Session.State.Realm.UsernameClaim));
        cut.WaitForAssertion(() => Assert.Equal(2, Steps[WizardStepId.PbsRealm].PlanCount));
        Assert.Equal(StepStatus.Planned, Session.StatusOf(WizardStepId.PbsRealm));
        Assert.NotEqual(before, Session.State.PlanFingerprints[WizardStepId.PbsRealm]);
    }
}
