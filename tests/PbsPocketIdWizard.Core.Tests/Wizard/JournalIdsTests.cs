using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Wizard;

/// <summary>The journal ids keep the string format of runs saved by earlier versions: old rows still read, new ones write the same.</summary>
public sealed class JournalIdsTests
{
    [Theory]
    [InlineData("/|alice@PocketID|Admin", "/", "alice@PocketID", "Admin")]
    [InlineData("/datastore/main|bob@pbs|DatastoreReader", "/datastore/main", "bob@pbs", "DatastoreReader")]
    public void AclEntryIdParse_IdSavedByEarlierRuns_ReadsPartsAndWritesTheSameId(string saved, string path, string authId, string role)
    {
        var entry = AclEntryId.Parse(saved);

        Assert.Equal(new AclEntryId(path, authId, role), entry);
        Assert.Equal(saved, entry!.JournalId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/|alice@PocketID")]
    [InlineData("/|a|b|c")]
    public void AclEntryIdParse_NotThreeParts_IsNull(string id) => Assert.Null(AclEntryId.Parse(id));

    [Theory]
    [InlineData("pam|PocketID", "pam", "PocketID")]
    [InlineData("PocketID|", "PocketID", "")]
    public void DefaultRealmMoveParse_IdSavedByEarlierRuns_ReadsPartsAndWritesTheSameId(string saved, string previous, string next)
    {
        var move = DefaultRealmMove.Parse(saved);

        Assert.Equal(new DefaultRealmMove(previous, next), move);
        Assert.Equal(saved, move.JournalId);
    }
}
