using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>A Pocket ID user offered in pickers.</summary>
public sealed record PocketIdUserOption(string Id, string Username, string? Email, string Label);

/// <summary>A PBS ACL path offered in the permissions picker, with what it covers.</summary>
public sealed record PermissionPathOption(string Path, string Description);

/// <summary>A PBS role: its id (what the API takes and PBS shows) and PBS's own comment, e.g. Admin — Administrator.</summary>
public sealed record RoleOption(string RoleId, string Comment)
{
    public string Label => string.IsNullOrWhiteSpace(Comment) ? RoleId : $"{RoleId} — {Comment}";
}

/// <summary>
/// Read-only look-ups the forms offer as choices (groups, users, datastores, roles) and the live user-id preview.
/// Pure reads through the engine's clients; the steps stay the only place that writes.
/// </summary>
public sealed class WizardLookups(ApiClientFactory clients, SignInUserIdPreviewer previewer)
{
    /// <summary>PBS's built-in roles this PBS version has, with their comments; shown until PBS itself has answered.</summary>
    public static IReadOnlyList<RoleOption> KnownRolesOn(string? pbsVersion) =>
        PbsRules.RolesOn(pbsVersion).Select(r => new RoleOption(r.Id, r.Comment)).ToList();

    /// <summary>The ACL path families PBS knows (pbs-api.md §6.3); datastores and namespaces come from the server.</summary>
    public static readonly IReadOnlyList<PermissionPathOption> FixedPaths =
    [
        new("/", "Everything (the whole server)"),
        new("/datastore", "All datastores"),
        new("/remote", "All remotes (sync sources)"),
        new("/system", "System: network, updates, certificates, services"),
        new("/tape", "Tape drives, changers and media"),
    ];

    public async Task<IReadOnlyList<string>> PocketIdGroupsAsync(WizardState state, CancellationToken cancellationToken)
    {
        var groups = await clients.CreatePocketId(state.PocketId).ListUserGroupsAsync(null, cancellationToken);
        return groups.Select(g => g.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<IReadOnlyList<PocketIdUserOption>> PocketIdUsersAsync(WizardState state, CancellationToken cancellationToken)
    {
        var users = await clients.CreatePocketId(state.PocketId).ListUsersAsync(null, cancellationToken);
        return users.Where(u => !u.Disabled)
            .Select(u => new PocketIdUserOption(u.Id, u.Username, u.Email, string.IsNullOrWhiteSpace(u.DisplayName) ? u.Username : $"{u.DisplayName} ({u.Username})"))
            .OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The scopes PBS will ask Pocket ID for at the realm's first sign-in.</summary>
    public Task<string> SignInScopesAsync(WizardState state, CancellationToken cancellationToken) =>
        previewer.SignInScopesAsync(state, cancellationToken);

    /// <summary>
    /// The PBS user id each listed Pocket ID user gets at a sign-in through the realm, from Pocket ID's own claims
    /// preview for the OIDC client, with what would go wrong for any of them.
    /// </summary>
    public Task<IReadOnlyList<SignInUserIdPreview>> PreviewSignInsAsync(WizardState state, IReadOnlyList<PocketIdUserOption> users, string scopes, CancellationToken cancellationToken) =>
        previewer.PreviewAllAsync(state, users.Select(u => new PocketIdUser { Id = u.Id, Username = u.Username, Email = u.Email }).ToList(), scopes, cancellationToken);

    public async Task<IReadOnlyList<PermissionPathOption>> PermissionPathsAsync(WizardState state, CancellationToken cancellationToken)
    {
        var pbs = clients.CreatePbs(state.Pbs);
        var paths = new List<PermissionPathOption>(FixedPaths.Take(2));
        foreach (var store in await pbs.ListDatastoresAsync(cancellationToken))
        {
            paths.Add(new($"/datastore/{store.Store}", $"Datastore {store.Store}" + (string.IsNullOrWhiteSpace(store.Comment) ? string.Empty : $" ({store.Comment})")));
            IReadOnlyList<PbsNamespace> namespaces;
            try
            {
                namespaces = await pbs.ListNamespacesAsync(store.Store, cancellationToken);
            }
            catch (ExternalApiException)
            {
                continue; // a datastore that cannot list namespaces (e.g. not mounted) still offers its own path
            }

            foreach (var ns in namespaces.Where(n => !string.IsNullOrEmpty(n.Namespace)))
            {
                paths.Add(new($"/datastore/{store.Store}/{ns.Namespace}", $"Namespace {ns.Namespace} in datastore {store.Store}"));
            }
        }

        paths.AddRange(FixedPaths.Skip(2));
        return paths;
    }

    public async Task<IReadOnlyList<RoleOption>> RolesAsync(WizardState state, CancellationToken cancellationToken)
    {
        var roles = await clients.CreatePbs(state.Pbs).ListRolesAsync(cancellationToken);
        return roles.Select(r => new RoleOption(r.RoleId, r.Comment ?? string.Empty))
            .OrderBy(r => r.RoleId == "Admin" ? 0 : 1).ThenBy(r => r.RoleId, StringComparer.Ordinal)
            .ToList();
    }
}
