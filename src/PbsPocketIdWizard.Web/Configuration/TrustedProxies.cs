using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace PbsPocketIdWizard.Web.Configuration;

/// <summary>
/// Wizard:TrustedProxies: the reverse proxies (addresses or networks, e.g. "172.18.0.0/16 10.0.0.5") whose
/// X-Forwarded-For/-Proto/-Host the wizard believes. Without it the headers are ignored, so a client cannot pick the
/// address the wrong-token throttle sees, and ASP.NET Core's ASPNETCORE_FORWARDEDHEADERS_ENABLED (which trusts every
/// sender) is refused at start.
/// </summary>
public static class TrustedProxies
{
    public const string ConfigurationKey = "Wizard:TrustedProxies";

    public const string AnyProxySetting = "ForwardedHeaders_Enabled";

    /// <summary>The entries of the setting (separated by commas, semicolons or white space).</summary>
    public static IReadOnlyList<string> Entries(string? setting) =>
        (setting ?? "").Split([',', ';', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>An entry as a network (a single address is a /32 or /128); null when it is neither.</summary>
    public static System.Net.IPNetwork? Parse(string entry)
    {
        if (System.Net.IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(entry, out var address)
            ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }

    /// <summary>Forwarded headers from the configured proxies only; every hop must be one of them.</summary>
    public static void Configure(ForwardedHeadersOptions options, string? setting)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        // ASP.NET Core trusts loopback by default; here nothing is trusted unless configured.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var entry in Entries(setting))
        {
            if (Parse(entry) is { } network)
            {
                options.KnownIPNetworks.Add(network);
            }
        }

        // A chain of trusted proxies is unwound hop by hop; the first address that is not trusted is the client.
        options.ForwardLimit = null;
    }
}
