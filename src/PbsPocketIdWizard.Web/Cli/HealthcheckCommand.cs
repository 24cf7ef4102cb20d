namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`healthcheck [--url URL]`: exit 0 only when the app's /health answers 200 (the container HEALTHCHECK).</summary>
public static class HealthcheckCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("healthcheck: not built yet");
        return Task.FromResult(1);
    }
}
