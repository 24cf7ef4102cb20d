namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// A PBS ACL entry the run granted (<see cref="ResourceKind.PbsAcl"/>). Its journal id is "path|authId|role", the
/// format every saved run already holds; this record is the one place that writes and reads it.
/// </summary>
public sealed record AclEntryId(string Path, string AuthId, string Role)
{
    public string JournalId => $"{Path}|{AuthId}|{Role}";

    /// <summary>The entry a journal id names, or null when the id is not of this shape.</summary>
    public static AclEntryId? Parse(string journalId)
    {
        var parts = journalId.Split('|');
        return parts.Length == 3 ? new AclEntryId(parts[0], parts[1], parts[2]) : null;
    }
}

/// <summary>
/// Where the run moved PBS's `default` realm flag (<see cref="ResourceKind.PbsDefaultRealm"/>): from Previous to Next
/// (Next empty when the flag was only cleared). Its journal id is "previous|new"; this record writes and reads it.
/// </summary>
public sealed record DefaultRealmMove(string Previous, string Next)
{
    public string JournalId => $"{Previous}|{Next}";

    public static DefaultRealmMove Parse(string journalId)
    {
        var parts = journalId.Split('|');
        return new DefaultRealmMove(parts[0], parts.Length > 1 ? parts[1] : string.Empty);
    }
}
