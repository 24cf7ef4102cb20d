namespace PbsPocketIdWizard.Core.Http;

/// <summary>
/// Reads reused within one wizard action (a step run, a whole-run plan, a CLI apply): the same GET to the same server
/// as the same user is answered from memory until the wizard writes something that could change it or waits for a
/// person. Only successful answers are kept. The scope is ambient (it flows with the async calls of the action), so
/// the typed clients need no extra parameter and a client made outside any scope reads straight through.
/// </summary>
public sealed class ReadCache
{
    private static readonly AsyncLocal<ReadCache?> Ambient = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Server, string Request, Type Answer), object> _answers = [];
    private volatile bool _closed;

    /// <summary>Opens a scope for the calling async flow; inside an open scope it joins that one (disposing does nothing).</summary>
    public static IDisposable Begin()
    {
        if (Ambient.Value is not null)
        {
            return NoScope.Instance;
        }

        var cache = new ReadCache();
        Ambient.Value = cache;
        return new Scope(cache);
    }

    /// <summary>Forgets the kept answers of the current scope that <paramref name="stillHolds"/> does not vouch for.</summary>
    public static void ForgetAllBut(Func<string, bool> stillHolds) => Ambient.Value?.Forget(_ => true, request => !stillHolds(request));

    /// <summary>
    /// Leaves the current scope for the rest of the calling async method, e.g. a watcher started by an action that
    /// must see every change as it happens.
    /// </summary>
    public static void Leave() => Ambient.Value = null;

    /// <summary>The kept answer to <paramref name="request"/>, or the result of <paramref name="read"/>, kept when it succeeds.</summary>
    internal static async Task<T> ReadAsync<T>(string server, string request, Func<Task<T>> read)
        where T : class
    {
        var cache = Ambient.Value;
        if (cache is null || cache._closed)
        {
            return await read();
        }

        var key = (server, request, typeof(T));
        lock (cache._lock)
        {
            if (cache._answers.TryGetValue(key, out var kept))
            {
                return (T)kept;
            }
        }

        var answer = await read();
        lock (cache._lock)
        {
            cache._answers[key] = answer;
        }

        return answer;
    }

    /// <summary>After a write to <paramref name="server"/>: forgets the kept answers to requests it may have changed.</summary>
    internal static void Forget(string server, Func<string, bool> mayHaveChanged) =>
        Ambient.Value?.Forget(s => s == server, mayHaveChanged);

    private void Forget(Func<string, bool> onServer, Func<string, bool> mayHaveChanged)
    {
        lock (_lock)
        {
            foreach (var key in _answers.Keys.Where(k => onServer(k.Server) && mayHaveChanged(k.Request)).ToList())
            {
                _answers.Remove(key);
            }
        }
    }

    private sealed class Scope(ReadCache cache) : IDisposable
    {
        public void Dispose()
        {
            // A task started inside the scope (e.g. a watcher) may still hold it: it reads straight through from now on.
            cache._closed = true;
            cache.Forget(_ => true, _ => true);
            if (ReferenceEquals(Ambient.Value, cache))
            {
                Ambient.Value = null;
            }
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose()
        {
        }
    }
}
