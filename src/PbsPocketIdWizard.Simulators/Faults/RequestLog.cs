using System.Text.Json.Serialization;

namespace PbsPocketIdWizard.Simulators.Faults;

/// <summary>One request as the simulator saw it: never bodies, headers or query strings (they can carry secrets).</summary>
public sealed record LoggedRequest(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("durationMs")] double DurationMs,
    [property: JsonPropertyName("at")] DateTimeOffset At);

public sealed class RequestLog
{
    private const int Capacity = 5000;
    private readonly Lock _lock = new();
    private readonly Queue<LoggedRequest> _entries = new();

    public void Record(LoggedRequest entry)
    {
        lock (_lock)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    public IReadOnlyList<LoggedRequest> Snapshot()
    {
        lock (_lock)
        {
            return _entries.ToList();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }
}
