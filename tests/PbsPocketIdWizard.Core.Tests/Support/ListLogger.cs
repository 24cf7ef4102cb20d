using Microsoft.Extensions.Logging;

namespace PbsPocketIdWizard.Core.Tests.Support;

/// <summary>Captures formatted log lines and the scopes around them.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<object> _scopes = [];

    public List<(string Message, IReadOnlyList<object> Scopes)> Lines { get; } = [];

    public IDisposable BeginScope<TState>(TState state)
        where TState : notnull
    {
        _scopes.Add(state);
        return new Pop(_scopes);
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add((formatter(state, exception), _scopes.ToList()));
        }
    }

    private sealed class Pop(List<object> scopes) : IDisposable
    {
        public void Dispose() => scopes.RemoveAt(scopes.Count - 1);
    }
}
