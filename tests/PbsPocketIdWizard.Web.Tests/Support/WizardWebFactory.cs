using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>The real host in memory: environment Testing, a temp data directory, a known access token.</summary>
public sealed class WizardWebFactory : WebApplicationFactory<Program>
{
    public const string AccessToken = "test-access-token-0123456789";

    private readonly Dictionary<string, string?> _settings;

    public WizardWebFactory(Dictionary<string, string?>? settings = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "pbs-wizard-tests-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Wizard:DataDirectory"] = DataDirectory,
            ["Wizard:AccessToken"] = AccessToken,
            ["Wizard:Mode"] = "Live",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public HttpClient CreateClientWithoutRedirects() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
