using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>
/// The wizard holds admin credentials for two servers, so nothing answers without the access token: a random one per
/// start (printed once as a sign-in link) or Wizard:AccessToken. A valid token is exchanged for a session cookie whose
/// value is derived from the token (HMAC), so the token itself never sits in the browser and a changed token signs
/// everyone out.
/// </summary>
public sealed class AccessGate
{
    public const string CookieName = "pbs-wizard-session";
    public const string TokenQueryName = "token";

    /// <summary>Wrong tokens tolerated per client address and window before answering 429.</summary>
    public const int MaxFailuresPerWindow = 10;

    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(1);

    private static readonly byte[] SessionLabel = "pbs-pocket-id-wizard/session/v1"u8.ToArray();

    private readonly byte[] _token;
    private readonly byte[] _sessionValue;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    public AccessGate(IOptions<WizardOptions> options, TimeProvider time)
    {
        _time = time;
        var configured = options.Value.AccessToken;
        Token = string.IsNullOrEmpty(configured)
            ? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24))
            : configured;
        _token = Encoding.UTF8.GetBytes(Token);
        _sessionValue = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(HMACSHA256.HashData(_token, SessionLabel)));
    }

    /// <summary>The access token; shown only in the sign-in link printed at start.</summary>
    internal string Token { get; }

    /// <summary>The sign-in links printed at start (one per bound address).</summary>
    public IReadOnlyList<Uri> SignInLinks { get; private set; } = [];

    public string SessionCookieValue => Encoding.ASCII.GetString(_sessionValue);

    public bool IsValidToken(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);

    public bool IsValidSession(string? cookieValue) =>
        cookieValue is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookieValue), _sessionValue);

    /// <summary>True when this client sent too many wrong tokens within the window.</summary>
    public bool IsThrottled(IPAddress? client)
    {
        if (!_failures.TryGetValue(Key(client), out var times))
        {
            return false;
        }

        lock (times)
        {
            Prune(times);
            return times.Count >= MaxFailuresPerWindow;
        }
    }

    public void RecordFailure(IPAddress? client)
    {
        var times = _failures.GetOrAdd(Key(client), _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            Prune(times);
            times.Enqueue(_time.GetUtcNow());
        }
    }

    /// <summary>Builds the sign-in links for the addresses the server really bound (wildcards become PublicHost).</summary>
    public IReadOnlyList<Uri> SetSignInLinks(IEnumerable<string> boundAddresses, string publicHost)
    {
        var links = new List<Uri>();
        foreach (var address in boundAddresses)
        {
            var normalized = address.Replace("://+:", "://" + publicHost + ":", StringComparison.Ordinal)
                .Replace("://*:", "://" + publicHost + ":", StringComparison.Ordinal)
                .Replace("://0.0.0.0:", "://" + publicHost + ":", StringComparison.Ordinal)
                .Replace("://[::]:", "://" + publicHost + ":", StringComparison.Ordinal);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var baseUri))
            {
                links.Add(new Uri(baseUri, "/?" + TokenQueryName + "=" + Uri.EscapeDataString(Token)));
            }
        }

        SignInLinks = links;
        return links;
    }

    private void Prune(Queue<DateTimeOffset> times)
    {
        var cutoff = _time.GetUtcNow() - FailureWindow;
        while (times.Count > 0 && times.Peek() <= cutoff)
        {
            times.Dequeue();
        }
    }

    private static string Key(IPAddress? client) => client?.ToString() ?? "unknown";
}
