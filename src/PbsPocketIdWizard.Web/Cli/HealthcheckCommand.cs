using System.CommandLine;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`healthcheck [--url URL]`: exit 0 only when the app's /health answers 200 within 5 s (the container HEALTHCHECK, no curl needed).</summary>
public static class HealthcheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The verb and its option; <paramref name="check"/> gets the /health address (the process: <see cref="CheckAsync"/>).</summary>
    public static Command Verb(Func<Uri, CancellationToken, Task<bool>> check)
    {
        var url = new Option<string>("--url")
        {
            Description = "The wizard's address.",
            HelpName = "URL",
            DefaultValueFactory = _ => DefaultUrl,
        };
        url.Validators.Add(result =>
        {
            if (BaseUri(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"--url: '{result.GetValueOrDefault<string>()}' is not an http(s) address");
            }
        });
        var command = new Command("healthcheck", "Exit 0 only when the wizard's /health answers 200 within 5 s (the container's health check).") { url };
        command.SetAction(async (result, cancellationToken) =>
            await check(new Uri(BaseUri(result.GetRequiredValue(url))!, "/health"), cancellationToken) ? 0 : 1);
        return command;
    }

    private static Uri? BaseUri(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

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
