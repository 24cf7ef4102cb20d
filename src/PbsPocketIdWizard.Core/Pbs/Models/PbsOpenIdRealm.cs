using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Core.Pbs.Models;

/// <summary>
/// OpenIdRealmConfig, JSON keys kebab-case (pbs-api.md §3.2). Used for GET and for POST (create); unset properties are
/// left out of the JSON because every PBS schema rejects unknown or null keys.
/// </summary>
public sealed record PbsOpenIdRealm
{
    [JsonPropertyName("realm")] public required string Realm { get; init; }

    [JsonPropertyName("issuer-url")] public required string IssuerUrl { get; init; }

    [JsonPropertyName("client-id")] public required string ClientId { get; init; }

    /// <summary>Stored in plain text by PBS and returned by GET (§3.2); never logged here.</summary>
    [JsonPropertyName("client-key")] public string? ClientKey { get; init; }

    [JsonPropertyName("autocreate")] public bool? Autocreate { get; init; }

    /// <summary>Create-only: PBS rejects it on update (§3.2).</summary>
    [JsonPropertyName("username-claim")] public string? UsernameClaim { get; init; }

    [JsonPropertyName("scopes")] public string? Scopes { get; init; }

    [JsonPropertyName("prompt")] public string? Prompt { get; init; }

    [JsonPropertyName("acr-values")] public string? AcrValues { get; init; }

    [JsonPropertyName("audiences")] public string? Audiences { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }

    /// <summary>Only PBS 3.3.7+; older versions reject the key (§3.2).</summary>
    [JsonPropertyName("default")] public bool? Default { get; init; }

    public override string ToString() => $"{Realm} ({IssuerUrl}, client {ClientId})";
}

/// <summary>
/// PUT /config/access/openid/{realm} body (§3.2): no realm (it is the path key), no username-claim (create-only).
/// PBS clears `default` on any update that does not resend it (§3.3), so callers always set Default when supported.
/// </summary>
public sealed record PbsOpenIdRealmUpdate
{
    [JsonPropertyName("issuer-url")] public string? IssuerUrl { get; init; }

    [JsonPropertyName("client-id")] public string? ClientId { get; init; }

    [JsonPropertyName("client-key")] public string? ClientKey { get; init; }

    [JsonPropertyName("autocreate")] public bool? Autocreate { get; init; }

    [JsonPropertyName("scopes")] public string? Scopes { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }

    [JsonPropertyName("default")] public bool? Default { get; init; }

    [JsonPropertyName("prompt")] public string? Prompt { get; init; }

    [JsonPropertyName("acr-values")] public string? AcrValues { get; init; }

    /// <summary>PBS 4.2.1+ only; older versions reject the key.</summary>
    [JsonPropertyName("audiences")] public string? Audiences { get; init; }

    /// <summary>Properties to remove, sent as a JSON array (never comma-joined, §1 "Parameter encoding").</summary>
    [JsonPropertyName("delete")] public IReadOnlyList<string>? Delete { get; init; }

    [JsonPropertyName("digest")] public string? Digest { get; init; }

    public override string ToString() => "openid realm update";
}

/// <summary>
/// PUT /config/access/pam and /config/access/pbs body (PBS 3.3.7+, pbs-api.md §0; schema: comment, default, delete,
/// digest). Like every realm update, a PUT without default=true clears the flag (§3.3).
/// </summary>
public sealed record PbsBuiltinRealmUpdate
{
    [JsonPropertyName("comment")] public string? Comment { get; init; }

    [JsonPropertyName("default")] public bool? Default { get; init; }

    /// <summary>comment | default.</summary>
    [JsonPropertyName("delete")] public IReadOnlyList<string>? Delete { get; init; }

    [JsonPropertyName("digest")] public string? Digest { get; init; }

    public override string ToString() => "built-in realm update";
}
