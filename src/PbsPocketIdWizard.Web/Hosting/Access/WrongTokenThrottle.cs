using System.Net;
using System.Threading.RateLimiting;

namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>
/// Counts wrong access tokens per client address (as seen after the trusted proxies, see <see cref="Configuration.TrustedProxies"/>)
/// with ASP.NET Core's rate limiter: <see cref="PermitsPerWindow"/> wrong tokens per window are answered, later ones get
/// 429 until the window ends. Only wrong tokens take a permit, so a correct token is never refused, and the
/// partitioned limiter drops an address's counter once it has been idle (nothing remembers addresses for ever).
/// </summary>
public sealed class WrongTokenThrottle : IDisposable
{
    public const int PermitsPerWindow = 10;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress?> _limiter;

    public WrongTokenThrottle()
        : this(DefaultWindow)
    {
    }

    /// <param name="window">How long an address's count lasts.</param>
    /// <param name="counterCreated">Told of each address's counter when it is made (tests watch it being forgotten).</param>
    internal WrongTokenThrottle(TimeSpan window, Action<string, RateLimiter>? counterCreated = null)
    {
        Window = window;
        _limiter = PartitionedRateLimiter.Create<IPAddress?, string>(client =>
        {
            var partition = RateLimitPartition.GetFixedWindowLimiter(
                client?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = PermitsPerWindow,
                    Window = window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            return counterCreated is null ? partition : RateLimitPartition.Get(partition.PartitionKey, key =>
            {
                var counter = partition.Factory(key);
                counterCreated(key, counter);
                return counter;
            });
        });
    }

    public TimeSpan Window { get; }

    /// <summary>Records one wrong token from the client; false when it is over the limit (answer 429).</summary>
    public bool TryRecordWrongToken(IPAddress? client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
