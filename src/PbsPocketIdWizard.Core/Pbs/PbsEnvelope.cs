using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>PBS's success envelope: {"data": …} plus result attributes such as "digest" (pbs-api.md §1, §3.4).</summary>
public sealed record PbsEnvelope<T>
{
    [JsonPropertyName("data")] public T? Data { get; init; }

    [JsonPropertyName("digest")] public string? Digest { get; init; }
}

/// <summary>A value PBS returned together with the digest of its config file, for optimistic locking on update.</summary>
public sealed record PbsWithDigest<T>(T Value, string? Digest);
