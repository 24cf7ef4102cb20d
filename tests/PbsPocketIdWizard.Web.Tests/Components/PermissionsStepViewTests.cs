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

        await PressPrimaryAsync(cut, "Next");

        cut.WaitForAssertion(() => Assert.Contains("no datastore 'nope'", cut.Find(".mud-input-control.mud-input-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void KnownRolesOn_UnknownVersion_ListAdminAsAdministratorAndAllEighteen()
    {
        var roles = WizardLookups.KnownRolesOn(null);

        Assert.Equal("Admin — Administrator", roles[0].Label);
        Assert.DoesNotContain(roles, r => r.RoleId == "Administrator");
        Assert.Equal(18, roles.Count);
    }

    [Theory]
    [InlineData("3.2.4", 15)]
    [InlineData("3.3.0", 18)]
    [InlineData("4.2.3", 18)]
    public void KnownRolesOn_PbsVersion_OffersOnlyTheRolesThatVersionHas(string version, int count)
    {
        var roles = WizardLookups.KnownRolesOn(version);

        Assert.Equal(count, roles.Count);
        Assert.Equal(count == 18, roles.Any(r => r.RoleId == "RemoteSyncPushOperator"));
    }
}
