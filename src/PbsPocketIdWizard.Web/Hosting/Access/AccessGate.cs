using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Web.Configuration;

namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>
/// The wizard holds admin credentials for two servers, so nothing answers without the access token
/// (<see cref="AccessToken"/>). A valid token is exchanged for a session cookie that carries its expiry and an HMAC keyed
/// by the token, so the token itself never sits in the browser, a changed token signs everyone out, and a cookie stops
/// working after <see cref="WizardOptions.SessionLifetime"/> or once signed out.
/// </summary>
public sealed class AccessGate
{
    public const string CookieName = "pbs-wizard-session";
    public const string TokenQueryName = "token";

    private static readonly byte[] SessionLabel = "pbs-pocket-id-wizard/session/v2"u8.ToArray();

    private readonly AccessToken _token;
    private readonly byte[] _tokenBytes;
    private readonly byte[] _sessionKey;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _signedOut = new(StringComparer.Ordinal);

    public AccessGate(IOptions<WizardOptions> options, TimeProvider time)
    {
        _time = time;
        _token = AccessToken.Resolve(options.Value);
        _tokenBytes = Encoding.UTF8.GetBytes(_token.Value);
        _sessionKey = HMACSHA256.HashData(_tokenBytes, SessionLabel);
        SessionLifetime = options.Value.SessionLifetime;
    }

    /// <summary>The access token; printed only when it was generated at this start.</summary>
    internal string Token => _token.Value;

    /// <summary>Where the token comes from, for the start line ("Wizard__AccessTokenFile (/run/secrets/…)").</summary>
    public string TokenSource => _token.Source;

    public bool TokenIsGenerated => _token.IsGenerated;

    public TimeSpan SessionLifetime { get; }

    /// <summary>The sign-in links (one per bound address), kept in memory; printed only for a generated token.</summary>
    public IReadOnlyList<Uri> SignInLinks { get; private set; } = [];

    public bool IsValidToken(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _tokenBytes);

    /// <summary>A new session cookie value: expiry (Unix seconds) and its HMAC, base64url.</summary>
    public string IssueSession()
    {
        var expires = _time.GetUtcNow().Add(SessionLifetime).ToUnixTimeSeconds();
        var payload = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(payload, expires);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_sessionKey, payload));
    }

    public bool IsValidSession(string? cookieValue) => ExpiryOf(cookieValue) is { } expires
        && expires > _time.GetUtcNow()
        && !_signedOut.ContainsKey(cookieValue!);

    /// <summary>"Sign out": this cookie value no longer opens anything, even if a copy of it survives in a browser.</summary>
    public void SignOut(string? cookieValue)
    {
        if (ExpiryOf(cookieValue) is not { } expires)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var (value, until) in _signedOut)
        {
            if (until <= now)
            {
                _signedOut.TryRemove(value, out _);
            }
        }

        _signedOut[cookieValue!] = expires;
    }

    /// <summary>Builds the sign-in links for the addresses the server really bound (wildcards become PublicHost).</summary>
    public IReadOnlyList<Uri> SetSignInLinks(IEnumerable<string> boundAddresses, string publicHost)
    {
        var links = new List<Uri>();
        foreach (var baseUri in PublicAddresses(boundAddresses, publicHost))
        {
            links.Add(new Uri(baseUri, "/?" + TokenQueryName + "=" + Uri.EscapeDataString(Token)));
        }

        SignInLinks = links;
        return links;
    }

    /// <summary>The bound addresses as a browser reaches them: wildcard hosts become PublicHost.</summary>
    public static IEnumerable<Uri> PublicAddresses(IEnumerable<string> boundAddresses, string publicHost)
    {
        foreach (var address in boundAddresses)
        {
            var normalized = address.Replace("://+:", "://" + publicHost + ":", StringComparison.Ordinal)
                .Replace("://*:", "://" + publicHost + ":", StringComparison.Ordinal)
                .Replace("://0.0.0.0:", "://" + publicHost + ":", StringComparison.Ordinal)
                .Replace("://[::]:", "://" + publicHost + ":", StringComparison.Ordinal);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var baseUri))
            {
                yield return new Uri(baseUri, "/");
            }
        }
    }

    private DateTimeOffset? ExpiryOf(string? cookieValue)
    {
        if (cookieValue?.Split('.') is not [var payloadText, var macText])
        {
            return null;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(payloadText);
            var mac = Base64Url.DecodeFromChars(macText);
            if (payload.Length != sizeof(long) || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_sessionKey, payload)))
            {
                return null;
            }

            return DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
