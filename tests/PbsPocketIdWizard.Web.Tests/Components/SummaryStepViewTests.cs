using Bunit;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Components;

public sealed class SummaryStepViewTests : WizardBunitContext
{
    [Fact]
    public async Task Open_ChecksEverythingByItselfAndShowsTheChecklist()
    {
        await StartAtAsync(WizardStepId.Summary, s => s.Pbs.Url = "https://pbs.example.com:8007");
        Steps[WizardStepId.Summary].OnVerify = s =>
        {
            s.Results.Verification.Clear();
            s.Results.Verification.Add(new VerificationItem("OIDC client exists", true, "Proxmox Backup Server"));
            s.Results.Verification.Add(new VerificationItem("alice@PocketID has Admin on /", false, "no ACL found"));
        };
        var cut = RenderWithProviders<SummaryStepView>();

        cut.WaitForAssertion(() => Assert.Contains("OIDC client exists", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(1, Steps[WizardStepId.Summary].VerifyCount);
        Assert.Contains("Failed: ", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Passed: ", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_OffersTheExportsToCopyAndDownload()
    {
        await StartAtAsync(WizardStepId.Summary, s => s.Pbs.Url = "https://pbs.example.com:8007");

        var cut = RenderWithProviders<SummaryStepView>();

        Assert.Contains("proxmox-backup-manager", cut.Find("pre.export").TextContent, StringComparison.Ordinal);
        var download = cut.Find("a[download='pbs-commands.sh']");
        Assert.StartsWith("data:text/x-shellscript", download.GetAttribute("href"), StringComparison.Ordinal);
        Assert.NotEmpty(cut.FindAll("button:contains('Copy PBS commands')"));
    }

    [Fact]
    public async Task Undo_AsksWithWhatItRemovesAndCancelKeepsTheRun()
    {
        await StartAtAsync(WizardStepId.Summary, s =>
        {
            s.Pbs.Url = "https://pbs.example.com:8007";
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "client-123", JournalOutcome.Done));
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.PbsRealm, "create", ResourceKind.PbsRealm, "PocketID", JournalOutcome.Done));
        });
        var cut = RenderWithProviders<SummaryStepView>();

        var undo = Button(cut, "Undo…").ClickAsync(new()); // completes once the dialog is answered
        DialogProvider.WaitForAssertion(() => Assert.Contains("PBS OpenID realm PocketID", DialogProvider.Markup, StringComparison.Ordinal));
        var listed = DialogProvider.FindAll(".undo-list li").Select(li => li.TextContent).ToList();
        await Button(DialogProvider, "Cancel").ClickAsync(new());
        await undo;

        Assert.Equal(["PBS OpenID realm PocketID", "Pocket ID OIDC client client-123 ('Proxmox Backup Server')"], listed);
        Assert.False(Session.State.Undone);
    }

    [Fact]
    public async Task Undo_WhenConfirmed_RunsTheSessionUndo()
    {
        await StartAtAsync(WizardStepId.Summary, s => s.Pbs.Url = "https://pbs.example.com:8007");
        var cut = RenderWithProviders<SummaryStepView>();

        var undo = Button(cut, "Undo…").ClickAsync(new()); // completes once the dialog is answered
        DialogProvider.WaitForAssertion(() => Assert.Contains("Undo this run?", DialogProvider.Markup, StringComparison.Ordinal));
        await Button(DialogProvider, "Undo").ClickAsync(new());
        await undo;

        cut.WaitForAssertion(() => Assert.True(Session.State.Undone));
    }

    [Fact]
    public async Task WhatUndoRemoves_RunMovedTheDefaultRealm_ListsGivingTheFlagBack()
    {
        await StartAtAsync(WizardStepId.Summary, s =>
        {
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.PbsRealm, "create", ResourceKind.PbsRealm, "PocketID", JournalOutcome.Done));
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.PbsRealm, "update", ResourceKind.PbsDefaultRealm, "pam|PocketID", JournalOutcome.Done));
        });

        Assert.Equal(["PBS OpenID realm PocketID", "pam becomes the PBS default realm again"], Vm.WhatUndoRemoves());
    }

    [Fact]
    public async Task WhatUndoRemoves_RunCreatedClientAndPermission_DescribesThemInWords()
    {
        await StartAtAsync(WizardStepId.Summary, s =>
        {
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "pbs-1234", JournalOutcome.Done));
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.OidcClient, "create", ResourceKind.PocketIdClientSecret, "pbs-1234", JournalOutcome.Done));
            s.Journal.Add(new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.Permissions, "create", ResourceKind.PbsAcl, "/|alice@PocketID|Admin", JournalOutcome.Done));
        });

        var items = Vm.WhatUndoRemoves();

        Assert.Equal(["PBS permission: Admin on / for alice@PocketID", "Secret of the Pocket ID OIDC client pbs-1234 ('Proxmox Backup Server')", "Pocket ID OIDC client pbs-1234 ('Proxmox Backup Server')"], items);
        Assert.DoesNotContain(items, i => i.Contains('|', StringComparison.Ordinal));
    }
}
