using Bunit;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class PermissionsStepViewTests : WizardBunitContext
{
    [Fact]
    public async Task Render_WithPickedUsers_StartsOneAdminGrantOnRootPerUser()
    {
        await StartAtAsync(WizardStepId.Permissions, s =>
        {
            s.FirstSignIn.SelectedUsers.Add("alice@PocketID");
            s.FirstSignIn.PreCreateUsers.Add("carol");
        });

        var cut = RenderWithProviders<PermissionsStepView>();

        cut.WaitForAssertion(() => Assert.Equal(2, Session.State.Permissions.Grants.Count));
        Assert.All(Session.State.Permissions.Grants, g => Assert.Equal(("/", "Admin", true), (g.Path, g.Role, g.Propagate)));
        Assert.Contains("alice@PocketID", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("carol@PocketID", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("PBS adds", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("ignores", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WithGrantFieldError_ShowsItAtThatGrant()
    {
        await StartAtAsync(WizardStepId.Permissions, s => s.FirstSignIn.SelectedUsers.Add("alice@PocketID"));
        Steps[WizardStepId.Permissions].ApplyOutcome = StepOutcome.Failure(new FieldError("Grants[0].Path", "PBS has no datastore 'nope'."));
        var cut = RenderWithProviders<PermissionsStepView>();

        await Button(cut, "Plan").ClickAsync(new());
        await Button(cut, "Apply").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("no datastore 'nope'", cut.Find(".mud-input-control.mud-input-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void KnownRoles_ListAdminAsAdministrator()
    {
        var admin = WizardLookups.KnownRoles[0];

        Assert.Equal("Admin — Administrator", admin.Label);
        Assert.DoesNotContain(WizardLookups.KnownRoles, r => r.RoleId == "Administrator");
    }
}
