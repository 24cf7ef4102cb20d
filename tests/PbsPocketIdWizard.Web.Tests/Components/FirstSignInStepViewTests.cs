using Bunit;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class FirstSignInStepViewTests : WizardBunitContext
{
    [Fact]
    public async Task Render_BeforeASignIn_ThePrimaryActionIsThePbsSignInLinkInANewTab()
    {
        await StartAtAsync(WizardStepId.FirstSignIn, s => s.Pbs.Url = "https://pbs.example.com");

        var cut = RenderWithProviders<FirstSignInStepView>();

        var link = cut.Find("a.pbs-signin-link");
        Assert.Equal("https://pbs.example.com:8007", link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Contains("Login (OpenID redirect)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("mud-button-filled", link.GetAttribute("class"), StringComparison.Ordinal); // the one primary action before a sign-in
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() is "Next" or "Continue");
    }

    [Fact]
    public async Task PreselectNewUser_FirstUserDetected_IsPickedAndContinueBecomesThePrimaryAction()
    {
        await StartAtAsync(WizardStepId.FirstSignIn, s => s.Pbs.Url = "https://pbs.example.com");
        var cut = RenderWithProviders<FirstSignInStepView>();

        Assert.True(FirstSignInChoices.PreselectNewUser(Session.State, "alice@PocketID"));
        cut.Render();

        Assert.Equal(["alice@PocketID"], Session.State.FirstSignIn.SelectedUsers);
        Assert.False(Button(cut, "Continue").HasAttribute("disabled"));
        Assert.Contains("mud-button-filled", Button(cut, "Continue").GetAttribute("class"), StringComparison.Ordinal);
        Assert.Contains("mud-button-outlined", cut.Find("a.pbs-signin-link").GetAttribute("class"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreselectNewUser_SomeoneAlreadyPicked_PicksOnlyAwaitedUsers()
    {
        await StartAtAsync(WizardStepId.FirstSignIn, s =>
        {
            s.FirstSignIn.SelectedUsers.Add("alice@PocketID");
            s.FirstSignIn.PreCreateUsers.Add("bob");
            s.Permissions.Grants.Add(new PermissionGrantInput { User = "carol@PocketID" });
        });

        var bob = FirstSignInChoices.PreselectNewUser(Session.State, "bob@PocketID");
        var carol = FirstSignInChoices.PreselectNewUser(Session.State, "carol@PocketID");
        var dave = FirstSignInChoices.PreselectNewUser(Session.State, "dave@PocketID");

        Assert.True(bob);
        Assert.True(carol);
        Assert.False(dave);
        Assert.Equal(["alice@PocketID", "bob@PocketID", "carol@PocketID"], Session.State.FirstSignIn.SelectedUsers);
    }

    [Fact]
    public async Task PickDetectedUser_EnablesContinueWhichRunsTheStepAndMovesOn()
    {
        await StartAtAsync(WizardStepId.FirstSignIn, s =>
        {
            s.Pbs.Url = "https://pbs.example.com";
            s.Results.DetectedUsers.Add(new DetectedUser("alice@PocketID", "alice@example.com", "Alice", DateTimeOffset.UnixEpoch));
        });
        var cut = RenderWithProviders<FirstSignInStepView>();

        await cut.Find("input[type=checkbox]").ChangeAsync(new() { Value = true });
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Continue").HasAttribute("disabled")));
        await Button(cut, "Continue").ClickAsync(new());

        Assert.Equal(["alice@PocketID"], Session.State.FirstSignIn.SelectedUsers);
        cut.WaitForAssertion(() => Assert.Equal(WizardStepId.Permissions, Session.State.CurrentStep));
        Assert.Equal(StepStatus.Verified, Session.StatusOf(WizardStepId.FirstSignIn));
    }

    [Fact]
    public async Task AddPreCreateUser_StoresTheNameAndAllowsContinue()
    {
        await StartAtAsync(WizardStepId.FirstSignIn, s => s.Pbs.Url = "https://pbs.example.com");
        var cut = RenderWithProviders<FirstSignInStepView>();

        await cut.Find("input[type=text]").ChangeAsync(new() { Value = "carol" });
        await Button(cut, "Add user").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(["carol"], Session.State.FirstSignIn.PreCreateUsers));
        Assert.False(Button(cut, "Continue").HasAttribute("disabled"));
    }
}
