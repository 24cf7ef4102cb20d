using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>redirect_uri resolution of v2.10+ (§11.6): exact, loopback any-port, then the wildcard matcher.</summary>
internal static class CallbackUrlMatcher
{
    /// <summary>The callback to redirect to, or null when none matches (then no code is issued).</summary>
    public static string? Resolve(IReadOnlyList<string>? registered, string? redirectUri)
    {
        if (registered is null || registered.Count == 0)
        {
            return null; // no TOFU since v2.10: empty list ⇒ every login fails
        }

        if (string.IsNullOrEmpty(redirectUri))
        {
            return registered.Count == 1 && !registered[0].Contains('*') ? registered[0] : null;
        }

        if (registered.Contains(redirectUri, StringComparer.Ordinal))
        {
            return redirectUri;
        }

        if (registered.Any(r => MatchesAsLoopback(r, redirectUri)))
        {
            return redirectUri;
        }

        return registered.Any(r => r.Contains('*') && MatchesWildcard(r, redirectUri)) ? redirectUri : null;
    }

    /// <summary>
    /// fosite: a registered 127.0.0.1 / [::1] callback accepts any port, everything else equal — for plain http only
    /// (fosite's isMatchingAsLoopback checks the scheme; RFC 8252 §7.3), so an https PBS origin must match its port.
    /// </summary>
    private static bool MatchesAsLoopback(string registered, string requested)
    {
        if (!Uri.TryCreate(registered, UriKind.Absolute, out var r) || !Uri.TryCreate(requested, UriKind.Absolute, out var q))
        {
            return false;
        }

        return q.Scheme == Uri.UriSchemeHttp
            && IPAddress.TryParse(q.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)
            && string.Equals(r.Scheme, q.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(r.Host, q.Host, StringComparison.OrdinalIgnoreCase)
            && r.AbsolutePath == q.AbsolutePath && r.Query == q.Query;
    }

    private sealed record Parts(string Scheme, string UserInfo, string Host, string Port, string Path, string Query);

    private static Parts? Split(string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            url = url[..hash];
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var scheme = url[..schemeEnd];
        var rest = url[(schemeEnd + 3)..];
        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? rest[slash..] : "/";
        var at = authority.LastIndexOf('@');
        var userInfo = at >= 0 ? authority[..at] : string.Empty;
        var hostPort = at >= 0 ? authority[(at + 1)..] : authority;
        string host, port = string.Empty;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? hostPort[..(close + 1)] : hostPort;
            if (close > 0 && hostPort.Length > close + 2 && hostPort[close + 1] == ':')
            {
                port = hostPort[(close + 2)..];
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            host = colon >= 0 ? hostPort[..colon] : hostPort;
            port = colon >= 0 ? hostPort[(colon + 1)..] : string.Empty;
        }

        return new Parts(scheme.ToLowerInvariant(), userInfo, host.ToLowerInvariant(), port, path, query);
    }

    /// <summary>
    /// URLPattern-like: `*` = one segment (host label part, port, path segment), `**` = any path segments,
    /// query keys one-to-one with path.Match values, http loopback input matches a port-less pattern.
    /// </summary>
    internal static bool MatchesWildcard(string pattern, string input)
    {
        if (pattern == "*")
        {
            return true;
        }

        var p = Split(pattern);
        var i = Split(input);
        if (p is null || i is null)
        {
            return false;
        }

        if (!Glob(p.Scheme, i.Scheme, "[^:/]+") || !Glob(p.UserInfo, i.UserInfo, "[^:@/]+") || !Glob(p.Host, i.Host, "[^./:@]+"))
        {
            return false;
        }

        var loopback = i.Scheme == "http" && (i.Host == "localhost" || (IPAddress.TryParse(i.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
        var portOk = p.Port == "*" ? i.Port.Length > 0 && i.Port.All(char.IsAsciiDigit)
            : p.Port == i.Port || (p.Port.Length == 0 && loopback);
        if (!portOk || !PathMatch(p.Path, i.Path))
        {
            return false;
        }

        return QueryMatch(p.Query, i.Query);
    }

    private static bool Glob(string pattern, string value, string segment)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c == '*' ? segment : Regex.Escape(c.ToString()));
        }

        return Regex.IsMatch(value, regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static bool PathMatch(string pattern, string value)
    {
        var regex = new StringBuilder("^");
        for (var k = 0; k < pattern.Length; k++)
        {
            if (pattern[k] == '*' && k + 1 < pattern.Length && pattern[k + 1] == '*')
            {
                regex.Append(".*");
                k++;
            }
            else
            {
                regex.Append(pattern[k] == '*' ? "[^/]+" : Regex.Escape(pattern[k].ToString()));
            }
        }

        return Regex.IsMatch(value, regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static bool QueryMatch(string pattern, string value)
    {
        static Dictionary<string, string> Parse(string q) => q.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First().Length > 1 ? g.First()[1] : string.Empty);
        var p = Parse(pattern);
        var v = Parse(value);
        return p.Count == v.Count && p.All(kv => v.TryGetValue(kv.Key, out var actual) && Glob(kv.Value, actual, "[^/]*"));
    }
}
