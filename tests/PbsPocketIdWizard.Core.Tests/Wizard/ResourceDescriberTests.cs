using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Wizard;

public sealed class ResourceDescriberTests
{
    [Theory]
    [InlineData(ResourceKind.PbsAcl, "/|alice@PocketID|Admin", "PBS permission: Admin on / for alice@PocketID")]
    [InlineData(ResourceKind.PbsAcl, "/datastore/main|bob@PocketID|DatastoreReader", "PBS permission: DatastoreReader on /datastore/main for bob@PocketID")]
    [InlineData(ResourceKind.PbsRealm, "PocketID", "PBS OpenID realm PocketID")]
    [InlineData(ResourceKind.PbsRealmScopes, "PocketID", "scopes of the PBS realm PocketID")]
    [InlineData(ResourceKind.PbsUser, "carol@PocketID", "PBS user carol@PocketID")]
    [InlineData(ResourceKind.PbsDefaultRealm, "pam|PocketID", "PBS default realm: pam → PocketID")]
    [InlineData(ResourceKind.PbsDefaultRealm, "PocketID|", "PBS default realm: PocketID → (none)")]
    [InlineData(ResourceKind.PocketIdClient, "pbs-1234", "Pocket ID OIDC client pbs-1234")]
    public void Describe_KindAndIdWithoutRun_GivesHumanText(ResourceKind kind, string id, string expected) =>
        Assert.Equal(expected, ResourceDescriber.Describe(kind, id));

    [Fact]
    public void Describe_ClientOfTheRun_AddsItsName()
    {
        var run = new WizardState();
        run.Client.Name = "Proxmox Backup Server";
        run.Results.ClientId = "pbs-1234";

        Assert.Equal("Pocket ID OIDC client pbs-1234 ('Proxmox Backup Server')", ResourceDescriber.Describe(ResourceKind.PocketIdClient, "pbs-1234", run));
        Assert.Equal("secret of the Pocket ID OIDC client pbs-1234 ('Proxmox Backup Server')", ResourceDescriber.Describe(ResourceKind.PocketIdClientSecret, "pbs-1234", run));
        Assert.Equal("Pocket ID OIDC client other", ResourceDescriber.Describe(ResourceKind.PocketIdClient, "other", run));
    }

    [Fact]
    public void Describe_ClientOfAnUndoneRun_FindsTheNameThroughTheJournal()
    {
        var run = new WizardState { Undone = true };
        run.Client.Name = "Proxmox Backup Server";
        var entry = new JournalEntry(DateTimeOffset.UnixEpoch, WizardStepId.OidcClient, "create", ResourceKind.PocketIdClient, "pbs-1234", JournalOutcome.Undone);
        run.Journal.Add(entry);

        Assert.Equal("Pocket ID OIDC client pbs-1234 ('Proxmox Backup Server')", ResourceDescriber.Describe(entry, run));
    }
}
