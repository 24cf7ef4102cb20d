namespace PbsPocketIdWizard.Web.Hosting.Access;

/// <summary>
/// Headers that keep the wizard's pages out of other sites' frames and keep its addresses out of Referer headers, on
/// every response; and the Blazor hub (/_blazor, its negotiate and WebSocket) refuses a request whose Origin is another
/// site, so a page elsewhere cannot drive a signed-in admin's circuit.
/// </summary>
public sealed class BrowserHardeningMiddleware(RequestDelegate next, ILogger<BrowserHardeningMiddleware> logger)
{
    public const string BlazorHubPath = "/_blazor";

    /// <summary>Framing, plugins, base URL and form targets are locked down; scripts stay as Blazor needs them.</summary>
    public const string ContentSecurityPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";

        var request = context.Request;
        if (request.Path.StartsWithSegments(BlazorHubPath, StringComparison.OrdinalIgnoreCase)
            && request.Headers.Origin is { Count: > 0 } origin
            && !IsSameOrigin(origin.ToString(), request))
        {
            logger.LogWarning("Refused a Blazor connection from another site's page (Origin {Origin})", Sanitize(origin.ToString()));
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        await next(context);
    }

    /// <summary>The Origin a browser sends from this wizard's own pages: scheme://host[:port] as the request arrived.</summary>
    public static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", HostWithoutDefaultPort(request), StringComparison.OrdinalIgnoreCase);

    private static string HostWithoutDefaultPort(HttpRequest request)
    {
        var host = request.Host;
        var defaultPort = string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        return host.Port is null || host.Port == defaultPort ? host.Host : $"{host.Host}:{host.Port}";
    }

    private static string Sanitize(string value) => new(value.Take(100).Where(c => !char.IsControl(c)).ToArray());
}
