using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Simulators.Faults;

/// <summary>
/// "The next Count requests matching Method and Path answer Status, or hang DelayMs, or drop the connection
/// (before or, with DropAfter, after processing)."
/// Path is exact (case-insensitive) or a prefix ending in '*'; Method "*" matches any verb. A path that does not start
/// with '/' names a simulator's outbound call instead (e.g. the PBS simulator's `idp:token`, its code exchange with
/// the identity provider) and matches only exactly, so a wildcard rule for incoming requests never hits it.
/// </summary>
public sealed record FaultRule
{
    [JsonPropertyName("method")] public string Method { get; init; } = "*";

    [JsonPropertyName("path")] public string Path { get; init; } = "*";

    [JsonPropertyName("status")] public int? Status { get; init; }

    [JsonPropertyName("count")] public int Count { get; init; } = 1;

    [JsonPropertyName("delayMs")] public int DelayMs { get; init; }

    [JsonPropertyName("drop")] public bool Drop { get; init; }

    /// <summary>
    /// "Killed right after sending": the request is processed normally (the change is made), then the connection is
    /// dropped instead of answering, so the client never learns the outcome.
    /// </summary>
    [JsonPropertyName("dropAfter")] public bool DropAfter { get; init; }

    /// <summary>Optional body for a Status fault; the simulator's own error body shape is used when empty.</summary>
    [JsonPropertyName("message")] public string? Message { get; init; }

    public bool Matches(string method, string path)
    {
        if (Method != "*" && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!path.StartsWith('/'))
        {
            return string.Equals(Path, path, StringComparison.OrdinalIgnoreCase);
        }

        return Path.EndsWith('*')
            ? path.StartsWith(Path[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(Path.TrimEnd('/'), path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Thread-safe list of armed faults; the tests and the demo ("simulate PBS down") use the same switch.</summary>
public sealed class FaultPlan
{
    private readonly Lock _lock = new();
    private readonly List<(FaultRule Rule, int Remaining)> _rules = [];

    public void Add(FaultRule rule)
    {
        if (rule.Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), "count must be at least 1");
        }

        lock (_lock)
        {
            _rules.Add((rule, rule.Count));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    public IReadOnlyList<FaultRule> Armed()
    {
        lock (_lock)
        {
            return _rules.Select(r => r.Rule with { Count = r.Remaining }).ToList();
        }
    }

    /// <summary>Consumes one use of the first rule matching the request, if any.</summary>
    public FaultRule? TryTake(string method, string path)
    {
        lock (_lock)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var (rule, remaining) = _rules[i];
                if (!rule.Matches(method, path))
                {
                    continue;
                }

                if (remaining <= 1)
                {
                    _rules.RemoveAt(i);
                }
                else
                {
                    _rules[i] = (rule, remaining - 1);
                }

                return rule;
            }
        }

        return null;
    }
}
