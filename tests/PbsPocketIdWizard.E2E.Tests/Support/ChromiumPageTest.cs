using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PbsPocketIdWizard.Web.Prefill;

namespace PbsPocketIdWizard.E2E.Tests.Support;

/// <summary>
/// Base for browser tests: a fresh app (see <see cref="WizardAppFixture"/>) and a fresh headless Debian Chromium per
/// test. Playwright never downloads a browser here; it drives /usr/bin/chromium.
/// </summary>
public abstract class ChromiumPageTest : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private WizardAppFixture? _app;
    private IBrowserContext? _context;
    private IPage? _page;

    protected WizardAppFixture App => _app ?? throw new InvalidOperationException("The app is not started.");

    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("The browser is not started.");

    protected IPage Page => _page ?? throw new InvalidOperationException("The browser is not started.");

    protected IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>False for tests that start (and restart) their own apps.</summary>
    protected virtual bool StartsApp => true;

    /// <summary>Settings the test's app starts with, on top of demo mode, the known token and a temp data directory.</summary>
    protected virtual Dictionary<string, string?> AppSettings => [];

    public virtual async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return; // the test itself is skipped by [ChromiumFact]
        }

        if (StartsApp)
        {
            _app = await WizardAppFixture.StartAsync(AppSettings);
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchBrowserAsync(_playwright, _app?.Services.GetRequiredService<DemoSimulators>().Servers?.PbsCertificate);
        _context = await NewContextAsync();
        _page = await _context.NewPageAsync();
        _page.Console += (_, message) => BrowserConsole.Add($"{message.Type}: {message.Text}");
        _page.PageError += (_, error) => BrowserConsole.Add($"pageerror: {error}");
        _page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                BrowserConsole.Add($"http {response.Status}: {response.Url}");
            }
        };
    }

    /// <summary>
    /// Headless Chromium that accepts the given PBS simulator certificate by its public-key pin (SHA-256 of its
    /// SubjectPublicKeyInfo), so TLS stays validated: any other certificate is still refused. Tests that start their
    /// own apps and open the PBS page launch another browser with their app's certificate.
    /// </summary>
    protected static async Task<IBrowser> LaunchBrowserAsync(IPlaywright playwright, X509Certificate2? pbsCertificate) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = pbsCertificate is null ? ChromiumArgs : [.. ChromiumArgs, $"--ignore-certificate-errors-spki-list={SpkiPin(pbsCertificate)}"],
        });

    /// <summary>Chromium's pin format: base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo.</summary>
    public static string SpkiPin(X509Certificate2 certificate) =>
        Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>What the page wrote to the browser console (handy in assertion messages).</summary>
    protected List<string> BrowserConsole { get; } = [];

    /// <summary>A desktop-sized context; certificate errors are not ignored (the demo PBS certificate is pinned at launch).</summary>
    protected Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            ReducedMotion = ReducedMotion.Reduce, // no colour transitions mid-check (the app honours it)
        });

    public virtual async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
