using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Core.Pbs.Models;

/// <summary>GET /ping → {"pong": true} (pbs-api.md §8).</summary>
public sealed record PbsPing
{
    [JsonPropertyName("pong")] public bool Pong { get; init; }
}

/// <summary>GET /version (pbs-api.md §8): version "major.minor", release = patch level.</summary>
public sealed record PbsVersion
{
    [JsonPropertyName("version")] public required string Version { get; init; }

    [JsonPropertyName("release")] public string? Release { get; init; }

    [JsonPropertyName("repoid")] public string? RepoId { get; init; }

    /// <summary>e.g. "4.2.3".</summary>
    public string Full => string.IsNullOrEmpty(Release) ? Version : $"{Version}.{Release}";

    /// <summary>The realm `default` flag exists from 3.3.7 (shipped with 3.4), pbs-api.md §3.2.</summary>
    public bool SupportsDefaultRealm => AsVersion() is not { } v || v >= new System.Version(3, 3, 7);

    public System.Version? AsVersion()
    {
        var parts = Full.Split('.', '-');
        var numbers = parts.Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1)
            .TakeWhile(n => n >= 0).ToArray();
        return numbers.Length switch
        {
            >= 3 => new System.Version(numbers[0], numbers[1], numbers[2]),
            2 => new System.Version(numbers[0], numbers[1], 0),
            _ => null,
        };
    }
}

/// <summary>POST /access/ticket answer (pbs-api.md §2.1); a ticket starting "PBS:!tfa!" is a TFA challenge (§2.2).</summary>
public sealed record PbsTicketResponse
{
    [JsonPropertyName("username")] public string? Username { get; init; }

    [JsonPropertyName("ticket")] public string? Ticket { get; init; }

    [JsonPropertyName("CSRFPreventionToken")] public string? CsrfPreventionToken { get; init; }

    public bool IsTfaChallenge => Ticket?.StartsWith("PBS:!tfa!", StringComparison.Ordinal) == true;
}

/// <summary>GET /access/domains item (pbs-api.md §4).</summary>
public sealed record PbsRealmInfo
{
    [JsonPropertyName("realm")] public required string Realm { get; init; }

    [JsonPropertyName("type")] public required string Type { get; init; }

    [JsonPropertyName("default")] public bool? Default { get; init; }

    [JsonPropertyName("comment")] public string? Comment { get; init; }
}

/// <summary>GET /nodes/{node}/status: only the certificate part the wizard reads (pbs-api.md §8).</summary>
public sealed record PbsNodeStatus
{
    [JsonPropertyName("info")] public PbsNodeInfo? Info { get; init; }
}

public sealed record PbsNodeInfo
{
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; init; }
}
