using Microsoft.Extensions.Options;

namespace PbsPocketIdWizard.Web.Hosting;

/// <summary>The web wizard host (default command). Any argument that is not a sub-command (--urls, --environment=…) lands here.</summary>
public static class WizardWebHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(args);
            await app.RunAsync();
            return 0;
        }
        catch (HostAbortedException)
        {
            // WebApplicationFactory stops the entry point after Build() this way; it is not a failure.
            throw;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"The wizard's configuration is invalid: {string.Join(" ", ex.Failures)}");
            return 2;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"The wizard stopped: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    public static WebApplication Build(string[] args)
    {
        // The application name pins the static assets manifest to this assembly, also when a test process builds the host.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(WizardWebHost).Assembly.GetName().Name,
            ContentRootPath = ContentRoot(),
        });
        builder.AddWizardWeb();
        var app = builder.Build();
        app.UseWizardWeb();
        return app;
    }

    /// <summary>
    /// The app's own directory when the process runs elsewhere (`dotnet run` from the repository root keeps the user's
    /// directory so a relative data directory resolves there); otherwise the default (the current directory, which is
    /// also what a test host or the container sets up).
    /// </summary>
    private static string? ContentRoot() =>
        File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
        || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            ? null
            : AppContext.BaseDirectory;
}
