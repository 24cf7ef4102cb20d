namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// Human text for a journal resource (kind + id as the steps record them), for the CLI, the exports and the web UI:
/// "PBS permission: Admin on / for alice@PocketID" instead of "PbsAcl /|alice@PocketID|Admin".
/// </summary>
public static class ResourceDescriber
{
    /// <summary>Describes one resource; the run (when given) supplies names the id alone lacks, such as the client's name.</summary>
    public static string Describe(ResourceKind kind, string id, WizardState? run = null) => kind switch
    {
        ResourceKind.PocketIdClient => $"Pocket ID OIDC client {id}{ClientName(id, run)}",
        ResourceKind.PocketIdClientSecret => $"secret of the Pocket ID OIDC client {id}{ClientName(id, run)}",
        ResourceKind.PocketIdClientLogo => $"logo of the Pocket ID OIDC client {id}{ClientName(id, run)}",
        ResourceKind.PocketIdClientDarkLogo => $"dark-mode logo of the Pocket ID OIDC client {id}{ClientName(id, run)}",
        ResourceKind.PocketIdAllowedGroups => $"allowed groups of the Pocket ID OIDC client {id}{ClientName(id, run)}",
        ResourceKind.PbsRealm => $"PBS OpenID realm {id}",
        ResourceKind.PbsRealmScopes => $"scopes of the PBS realm {id}",
        ResourceKind.PbsUser => $"PBS user {id}",
        ResourceKind.PbsAcl => DescribeAcl(id),
        ResourceKind.PbsDefaultRealm => DescribeDefaultRealm(id),
        _ => $"{kind} {id}",
    };

    /// <summary>Describes a journal entry's resource, with the entry's run for names.</summary>
    public static string Describe(JournalEntry entry, WizardState? run = null) => Describe(entry.Resource, entry.ResourceId, run);

    private static string DescribeAcl(string id) =>
        AclEntryId.Parse(id) is { } entry ? $"PBS permission: {entry.Role} on {entry.Path} for {entry.AuthId}" : $"PBS permission {id}";

    private static string DescribeDefaultRealm(string id)
    {
        var move = DefaultRealmMove.Parse(id);
        return $"PBS default realm: {NoneIfEmpty(move.Previous)} → {NoneIfEmpty(move.Next)}";
    }

    private static string NoneIfEmpty(string realm) => realm.Length == 0 ? "(none)" : realm;

    private static string ClientName(string id, WizardState? run) =>
        // After undo the run no longer names its client in the results, but its journal still does.
        run is not null && !string.IsNullOrWhiteSpace(run.Client.Name) && run.Client.Name.Trim() != id
            && (run.Results.ClientId == id || run.Journal.Any(e => e.Resource == ResourceKind.PocketIdClient && e.ResourceId == id))
            ? $" ('{run.Client.Name.Trim()}')"
            : string.Empty;
}
