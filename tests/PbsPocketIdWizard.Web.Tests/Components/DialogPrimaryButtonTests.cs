using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

/// <summary>Every dialog has exactly one primary (filled) button, and Enter in a dialog's field presses it.</summary>
public sealed class DialogPrimaryButtonTests : WizardBunitContext
{
    private IReadOnlyList<string> FilledButtons() =>
        DialogProvider.FindAll(".mud-dialog .mud-button-filled").Select(b => b.TextContent.Trim()).ToList();

    [Fact]
    public async Task NewRun_FromTheSummary_AsksWithOnePrimaryButtonThatStartsANewRun()
    {
        await StartAtAsync(WizardStepId.Summary, s => s.Pbs.Url = "https://pbs.example.com:8007");
        var firstRun = Session.State.RunId;
        var cut = RenderWithProviders<SummaryStepView>();

        var asking = Button(cut, "New run").ClickAsync(new()); // completes once the dialog is answered
        DialogProvider.WaitForAssertion(() => Assert.Contains("Start a new run?", DialogProvider.Markup, StringComparison.Ordinal));
        Assert.Equal(["New run"], FilledButtons());
        await DialogProvider.Find(".mud-dialog .mud-button-filled").ClickAsync(new());
        await asking;

        cut.WaitForAssertion(() => Assert.NotEqual(firstRun, Session.State.RunId));
    }

    [Fact]
    public async Task Undo_FromTheSummary_AsksWithOnePrimaryButton()
    {
        await StartAtAsync(WizardStepId.Summary, s => s.Pbs.Url = "https://pbs.example.com:8007");
        var cut = RenderWithProviders<SummaryStepView>();

        var asking = Button(cut, "Undo…").ClickAsync(new());
        DialogProvider.WaitForAssertion(() => Assert.Contains("Undo this run?", DialogProvider.Markup, StringComparison.Ordinal));
        Assert.Equal(["Undo"], FilledButtons());
        await Button(DialogProvider, "Cancel").ClickAsync(new());
        await asking;

        Assert.False(Session.State.Undone);
    }

    [Fact]
    public async Task SetupCheck_RealmNameTaken_OnePrimaryAndEnterInTheNameChecksAgain()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.Realm.Name = "PocketID");
        var realm = Steps[WizardStepId.PbsRealm];
        realm.Changes.Add(new PlannedChange(ChangeKind.Create, "PBS OpenID realm", "create the realm"));
        realm.PlanThrows = s => s.Realm.Name == "PocketID"
            ? WizardStepException.Conflict(new FieldError(nameof(RealmInput.Name), "A realm named PocketID already exists."))
            : null;
        var host = RenderWithProviders<MudText>();

        var showing = host.InvokeAsync(() => SetupCheckDialog.ShowAsync(Services.GetRequiredService<IDialogService>(), Vm));
        DialogProvider.WaitForAssertion(() => Assert.Contains("already exists", DialogProvider.Markup, StringComparison.Ordinal));
        Assert.Equal(["Check again"], FilledButtons());
        var plansBefore = realm.PlanCount;

        DialogProvider.Find(".setup-check-form input").Change("PocketID2");
        await DialogProvider.Find(".setup-check-form").SubmitAsync();

        DialogProvider.WaitForAssertion(() => Assert.DoesNotContain("already exists", DialogProvider.Markup, StringComparison.Ordinal));
        Assert.True(realm.PlanCount > plansBefore);
        Assert.Equal("PocketID2", Session.State.Realm.Name);
        Assert.Equal(["Repair"], FilledButtons());
        await Button(DialogProvider, "Cancel").ClickAsync(new());
        await showing;
    }
}
