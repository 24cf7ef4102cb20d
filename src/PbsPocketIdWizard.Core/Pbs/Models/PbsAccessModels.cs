using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Core.Pbs.Models;

/// <summary>GET /access/users item (pbs-api.md §5.1).</summary>
public sealed record PbsUser
{
    [JsonPropertyName("userid")] public required string UserId { get; init; }

    [JsonPropertyName("enable")] public bool? Enable { get; init; }

    [JsonPropertyName("expire")] public long? Expire { get; init; }

    [JsonPropertyName("firstname")] public string? FirstName { get; init; }

    [JsonPropertyName("lastname")] public string? LastName { get; init; }

    [JsonPropertyName("email")] public string? Email { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }

    /// <summary>The realm part: after the last '@' (§5.3).</summary>
    public string Realm => UserId[(UserId.LastIndexOf('@') + 1)..];
}

/// <summary>POST /access/users body (§5.2). No password for OpenID users: PBS would answer 501 after saving them.</summary>
public sealed record PbsUserCreate
{
    [JsonPropertyName("userid")] public required string UserId { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }

    [JsonPropertyName("email")] public string? Email { get; init; }

    [JsonPropertyName("firstname")] public string? FirstName { get; init; }

    [JsonPropertyName("lastname")] public string? LastName { get; init; }

    [JsonPropertyName("enable")] public bool? Enable { get; init; }
}

/// <summary>GET /access/acl item; these keys are snake_case, not kebab-case (pbs-api.md §6.1).</summary>
public sealed record PbsAclEntry
{
    [JsonPropertyName("path")] public required string Path { get; init; }

    [JsonPropertyName("ugid")] public required string UgId { get; init; }

    [JsonPropertyName("ugid_type")] public string? UgIdType { get; init; }

    [JsonPropertyName("propagate")] public bool Propagate { get; init; }

    [JsonPropertyName("roleid")] public required string RoleId { get; init; }
}

/// <summary>PUT /access/acl body (§6.2): adds an entry, or removes it with Delete = true.</summary>
public sealed record PbsAclUpdate
{
    [JsonPropertyName("path")] public required string Path { get; init; }

    [JsonPropertyName("role")] public required string Role { get; init; }

    [JsonPropertyName("auth-id")] public required string AuthId { get; init; }

    [JsonPropertyName("propagate")] public bool? Propagate { get; init; }

    [JsonPropertyName("delete")] public bool? Delete { get; init; }

    [JsonPropertyName("digest")] public string? Digest { get; init; }
}

/// <summary>GET /access/roles item (§6.4).</summary>
public sealed record PbsRole
{
    [JsonPropertyName("roleid")] public required string RoleId { get; init; }

    [JsonPropertyName("privs")] public IReadOnlyList<string>? Privileges { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }
}

/// <summary>GET /admin/datastore item (pbs-api.md §9).</summary>
public sealed record PbsDatastore
{
    [JsonPropertyName("store")] public required string Store { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }

    [JsonPropertyName("mount-status")] public string? MountStatus { get; init; }

    [JsonPropertyName("maintenance")] public string? Maintenance { get; init; }

    [JsonPropertyName("backend-type")] public string? BackendType { get; init; }
}

/// <summary>GET /admin/datastore/{store}/namespace item (§9); the root namespace is "".</summary>
public sealed record PbsNamespace
{
    [JsonPropertyName("ns")] public required string Namespace { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }
}
