using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Web.Cli;

// The answers file of the command line (README "Command line"). Names are the JSON names; every field error is reported
// with its JSON path (e.g. "realm.name"). Secrets may come from the environment instead (see AnswersReader).

public sealed record AnswersFile
{
    [JsonPropertyName("pocketId")]
    public PocketIdAnswers? PocketId { get; init; }

    [JsonPropertyName("pbs")]
    public PbsAnswers? Pbs { get; init; }

    [JsonPropertyName("client")]
    public ClientAnswers? Client { get; init; }

    [JsonPropertyName("realm")]
    public RealmAnswers? Realm { get; init; }

    [JsonPropertyName("permissions")]
    public List<PermissionAnswer>? Permissions { get; init; }
}

public sealed record PocketIdAnswers
{
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("apiKey")]
    public string? ApiKey { get; init; }
}

public sealed record PbsAnswers
{
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("apiToken")]
    public string? ApiToken { get; init; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; init; }
}

public sealed record ClientAnswers
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("logo")]
    public string? Logo { get; init; }

    /// <summary>The logo Pocket ID shows in dark mode (Pocket ID 1.14+), a path like logo.</summary>
    [JsonPropertyName("darkLogo")]
    public string? DarkLogo { get; init; }

    [JsonPropertyName("extraCallbackUrls")]
    public List<string>? ExtraCallbackUrls { get; init; }

    [JsonPropertyName("allowedGroups")]
    public List<string>? AllowedGroups { get; init; }

    /// <summary>The id of the existing client to adopt when Pocket ID has several that could be the hand-made one.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }
}

public sealed record RealmAnswers
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("default")]
    public bool? Default { get; init; }

    [JsonPropertyName("autocreate")]
    public bool? Autocreate { get; init; }

    [JsonPropertyName("usernameClaim")]
    public string? UsernameClaim { get; init; }

    [JsonPropertyName("scopes")]
    public string? Scopes { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    /// <summary>Advanced: the OIDC prompt PBS sends at every sign-in, e.g. "login".</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    [JsonPropertyName("acrValues")]
    public string? AcrValues { get; init; }

    /// <summary>PBS 4.2.1 and later.</summary>
    [JsonPropertyName("audiences")]
    public string? Audiences { get; init; }
}

public sealed record PermissionAnswer
{
    [JsonPropertyName("user")]
    public string? User { get; init; }

    [JsonPropertyName("path")]
    public string? Path { get; init; }

    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("propagate")]
    public bool? Propagate { get; init; }
}
