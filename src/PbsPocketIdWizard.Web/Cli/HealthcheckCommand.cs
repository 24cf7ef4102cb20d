namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`healthcheck [--url URL]`: exit 0 only when the app's /health answers 200 within 5 s (the container HEALTHCHECK, no curl needed).</summary>
public static class HealthcheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var baseUrl = DefaultUrl;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--url" && i + 1 < args.Length)
            {
                baseUrl = args[++i];
            }
            else if (args[i].StartsWith("--url=", StringComparison.Ordinal))
            {
                baseUrl = args[i]["--url=".Length..];
            }
            else
            {
                await Console.Error.WriteLineAsync($"healthcheck: unknown argument '{args[i]}'. Usage: healthcheck [--url {DefaultUrl}]");
                return 2;
            }
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            await Console.Error.WriteLineAsync($"healthcheck: '{baseUrl}' is not an http(s) address.");
            return 2;
        }

        return await CheckAsync(new Uri(baseUri, "/health"), CancellationToken.None) ? 0 : 1;
    }

    public static async Task<bool> CheckAsync(Uri healthUri, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(healthUri, cancellationToken);
            if (response.IsSuccessStatusCode && (int)response.StatusCode == 200)
            {
                await Console.Out.WriteLineAsync("healthy");
                return true;
            }

            await Console.Error.WriteLineAsync($"unhealthy: {healthUri} answered {(int)response.StatusCode}");
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"unhealthy: {healthUri} did not answer ({ex.GetType().Name})");
            return false;
        }
    }
}
