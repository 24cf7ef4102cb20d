using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Web.Hosting.Access;

namespace PbsPocketIdWizard.E2E.Tests.Support;

/// <summary>
/// The whole app on Kestrel (127.0.0.1, a free port) in demo mode, with a known access token and its own temp data
/// directory, so browser → wizard → HTTP → simulators is all real. One per test: each test arranges its own state.
/// </summary>
public sealed class WizardAppFixture : IAsyncDisposable
{
    public const string AccessToken = "e2e-access-token-0123456789abcdef";

    private readonly Factory _factory;

    private WizardAppFixture(Factory factory, string dataDirectory)
    {
        _factory = factory;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>The address the server really bound, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The sign-in link exactly as printed to the console at start.</summary>
    public Uri SignInLink { get; private set; } = new("http://127.0.0.1/");

    public IServiceProvider Services => _factory.Services;

    public static async Task<WizardAppFixture> StartAsync(Dictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "pbs-wizard-e2e-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Wizard:DataDirectory"] = dataDirectory,
            ["Wizard:AccessToken"] = AccessToken,
            ["Wizard:Mode"] = "Demo",
            ["Wizard:PublicHost"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var factory = new Factory(all);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        var fixture = new WizardAppFixture(factory, dataDirectory);
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        fixture.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        // The link is printed from an ApplicationStarted callback, which may still be running when StartServer returns.
        var gate = factory.Services.GetRequiredService<AccessGate>();
        for (var i = 0; i < 100 && gate.SignInLinks.Count == 0; i++)
        {
            await Task.Delay(50);
        }

        fixture.SignInLink = gate.SignInLinks.FirstOrDefault()
            ?? throw new InvalidOperationException("No sign-in link was printed at start.");
        return fixture;
    }

    /// <summary>Stops the app but keeps the data directory (for restart tests); DisposeAsync removes it.</summary>
    public async Task StopAsync() => await _factory.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A file still held by a closing process; the temp directory is cleaned by the OS eventually.
        }
    }

    private sealed class Factory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // Outside Development the framework does not map _content/* from the build output by itself.
            builder.UseStaticWebAssets();
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
