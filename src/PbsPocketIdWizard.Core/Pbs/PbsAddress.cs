using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>
/// A PBS address as the admin typed it, normalised: https assumed (and required: PBS serves HTTPS only), port 8007 when omitted (pbs-api.md §1), no path.
/// <see cref="Origin"/> is what the PBS web UI sends as redirect-url (window.location.origin, §7.5): the default port
/// of the scheme is left out, every other port kept, never a trailing slash.
/// </summary>
public sealed partial record PbsAddress(string Scheme, string Host, int Port)
{
    public const int DefaultPort = 8007;

    /// <summary>Base URL for API calls, e.g. https://pbs.example.com:8007.</summary>
    public string BaseUrl => $"{Scheme}://{HostForUrl}:{Port}";

    /// <summary>Browser origin, e.g. https://pbs.example.com:8007 (or https://pbs.example.com behind a proxy on 443).</summary>
    public string Origin => IsSchemeDefaultPort ? $"{Scheme}://{HostForUrl}" : BaseUrl;

    /// <summary>host:port, the key a certificate pin belongs to.</summary>
    public string Authority => $"{HostForUrl}:{Port}";

    private bool IsSchemeDefaultPort => Scheme == "https" && Port == 443;

    private string HostForUrl => Host.Contains(':') ? $"[{Host}]" : Host;

    public static bool TryParse(string? text, out PbsAddress address, out string error)
    {
        address = new PbsAddress("https", string.Empty, DefaultPort);
        error = string.Empty;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            error = "Enter the PBS address, e.g. https://pbs.example.com:8007.";
            return false;
        }

        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            trimmed = "https://" + trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
        {
            error = $"'{text}' is not a web address; enter it like https://pbs.example.com:8007.";
            return false;
        }

        if (uri.UserInfo.Length > 0)
        {
            // It would travel with every call; the wizard asks for PBS's credentials in their own fields.
            error = "Enter the PBS address without a user name or password in it; the credentials have their own fields.";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            // PBS serves its API and web UI over HTTPS only; plain http would send the password in clear.
            error = "PBS answers over HTTPS only: enter the address as https://, e.g. https://pbs.example.com:8007.";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "Enter only the PBS address (scheme, host and port), without a path, e.g. https://pbs.example.com:8007.";
            return false;
        }

        // System.Uri hides whether a default port was typed: look at the authority as written.
        var explicitPort = ExplicitPortPattern().IsMatch(trimmed);
        var port = explicitPort ? uri.Port : DefaultPort;
        address = new PbsAddress(uri.Scheme, uri.IdnHost.Trim('[', ']').ToLowerInvariant(), port);
        return true;
    }

    /// <summary>The origin of a typed address; an address that is not one (never accepted by the forms) is returned as typed.</summary>
    public static string OriginOf(string? text) =>
        TryParse(text, out var address, out _) ? address.Origin : text?.Trim() ?? string.Empty;

    public static PbsAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    public override string ToString() => BaseUrl;

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:\[[^\]]+\]|[^/:?#]+):\d+", RegexOptions.CultureInvariant)]
    private static partial Regex ExplicitPortPattern();
}
