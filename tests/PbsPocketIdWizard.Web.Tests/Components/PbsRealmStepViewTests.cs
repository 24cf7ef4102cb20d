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

public sealed class PbsRealmAdvancedSectionViewTests : WizardBunitContext
{
    [Fact]
    public async Task Render_AdvancedSection_StartsCollapsedWithoutItsFields()
    {
        await StartAtAsync(WizardStepId.PbsRealm);

        var cut = RenderWithProviders<PbsRealmStepView>();

        Assert.Contains("Advanced: what PBS asks Pocket ID for at each sign-in", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("invisible", cut.Find(".realm-advanced .mud-collapse-container").ClassList);
    }

    [Fact]
    public async Task OpenAdvanced_TypeAcrValues_StoresThemAndShowsANewPlan()
    {
        await StartAtAsync(WizardStepId.PbsRealm);
        var cut = RenderWithProviders<PbsRealmStepView>();
        cut.WaitForAssertion(() => Assert.Equal(StepStatus.Planned, Session.StatusOf(WizardStepId.PbsRealm)));

        await cut.Find(".realm-advanced .mud-expand-panel-header").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.DoesNotContain("invisible", cut.Find(".realm-advanced .mud-collapse-container").ClassList));
        await cut.Find(".realm-acr-values input").ChangeAsync(new() { Value = "urn:example:mfa" });

        cut.WaitForAssertion(() => Assert.Equal("urn:example:mfa", Session.State.Realm.AcrValues));
        cut.WaitForAssertion(() => Assert.Equal(2, Steps[WizardStepId.PbsRealm].PlanCount));
        // The section's controls are no buttons: the step keeps its one primary button.
        Assert.Single(cut.FindAll("button.step-primary"));
        Assert.Empty(cut.FindAll(".realm-advanced button.mud-button-filled"));
    }

    [Fact]
    public async Task Render_PbsBefore421_AudiencesDisabledWithTheVersionHint()
    {
        await StartAtAsync(WizardStepId.PbsRealm, s => s.Results.PbsVersion = "3.3.3");
        var cut = RenderWithProviders<PbsRealmStepView>();

        await cut.Find(".realm-advanced .mud-expand-panel-header").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Needs PBS 4.2.1 or later; this PBS is 3.3.3", cut.Markup, StringComparison.Ordinal));
        Assert.True(cut.Find(".realm-audiences input").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Render_RefusedPrompt_OpensTheSectionToShowTheError()
    {
        await StartAtAsync(WizardStepId.PbsRealm, s => s.Realm.Prompt = "log in");
        Steps[WizardStepId.PbsRealm].ValidationErrors.Add(new(nameof(RealmInput.Prompt), "The prompt is one word, such as login."));

        var cut = RenderWithProviders<PbsRealmStepView>();

        cut.WaitForAssertion(() => Assert.Contains("The prompt is one word", cut.Markup, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.DoesNotContain("invisible", cut.Find(".realm-advanced .mud-collapse-container").ClassList));
    }
}
