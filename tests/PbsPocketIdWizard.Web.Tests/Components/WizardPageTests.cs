using Bunit;
using Microsoft.Extensions.Logging.Abstractions;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Pages;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class WizardPageTests : WizardBunitContext
{
    [Fact]
    public async Task OpenPage_AnotherTabMovesTheRunOn_PageNoticesByItselfAndShowsTheStoredRun()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.PocketId.Url = "https://id.example.com");
        await Session.FlushAsync(CancellationToken.None);
        Vm.ChangesElsewhereInterval = TimeSpan.FromMilliseconds(100);
        var cut = RenderWithProviders<Wizard>();
        Assert.DoesNotContain(StoredRunVersion.MovedOnMessage, cut.Markup, StringComparison.Ordinal);

        // Another tab (or the command line) on the same store: it opens the run and saves a change.
        var otherTab = new WizardSession(Steps.Values, Store, TimeProvider.System, NullLogger<WizardSession>.Instance);
        await otherTab.LoadOrStartAsync(CancellationToken.None);
        otherTab.State.PocketId.Url = "https://id.other.example.com";
        await otherTab.FlushAsync(CancellationToken.None);

        // No click, no save here: the open page finds out on its own.
        cut.WaitForAssertion(() => Assert.Contains(StoredRunVersion.MovedOnMessage, cut.Find(".wizard-notice").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal("https://id.other.example.com", Session.State.PocketId.Url);
        cut.WaitForAssertion(() => Assert.Equal("https://id.other.example.com", cut.Find("input[type=url]").GetAttribute("value")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task OpenPage_RunCompletedByTheCommandLine_PageNoticesAndShowsItFinished()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.PocketId.Url = "https://id.example.com");
        await Session.FlushAsync(CancellationToken.None);
        Vm.ChangesElsewhereInterval = TimeSpan.FromMilliseconds(100);
        var cut = RenderWithProviders<Wizard>();

        var cli = new WizardSession(Steps.Values, Store, TimeProvider.System, NullLogger<WizardSession>.Instance);
        await cli.LoadOrStartAsync(CancellationToken.None);
        await cli.CompleteAsync(CancellationToken.None);

        cut.WaitForAssertion(() => Assert.Contains("This run is finished", cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(Session.State.Completed);
        Assert.NotNull(Vm.Notice);
    }

    [Fact]
    public async Task OpenPage_NobodyElseSaves_NoNoticeAndTheRunIsNotReloaded()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.PocketId.Url = "https://id.example.com");
        await Session.FlushAsync(CancellationToken.None);
        var writer = Session.State.WriterId;
        Vm.ChangesElsewhereInterval = TimeSpan.FromMilliseconds(50);
        var cut = RenderWithProviders<Wizard>();

        // Its own saves are not someone else's.
        Session.State.PocketId.Url = "https://id2.example.com";
        await Session.FlushAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Null(Vm.Notice);
        Assert.Equal(writer, Session.State.WriterId);
        Assert.Empty(cut.FindAll(".wizard-notice"));
    }
}
