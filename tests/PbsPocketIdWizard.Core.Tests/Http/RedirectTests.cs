using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Http;

/// <summary>
/// A server that answers every API call with a redirect to a trap that records what arrives: neither client follows,
/// so the API key never reaches the trap (PBS: PinnedTlsTests), and the error names where the redirect pointed.
/// </summary>
public sealed class RedirectTests : IAsyncLifetime
{
    private const string ApiKey = "pocket-id-api-key-never-redirected-0b7e";

    private readonly ConcurrentQueue<string> _trapped = new();
    private WebApplication? _app;
    private string _url = string.Empty;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Map("/trap/{**rest}", (HttpContext context) =>
        {
            _trapped.Enqueue(string.Join(" ", context.Request.Headers.Select(h => $"{h.Key}={h.Value}")));
            return Results.Text("""{"data":{"pong":true}}""", "application/json");
        });
        _app.Map("/{**rest}", (HttpContext context) =>
            Results.Redirect($"{context.Request.Scheme}://{context.Request.Host}/trap{context.Request.Path}?from=redirect", permanent: true, preserveMethod: true));
        await _app.StartAsync();
        _url = _app.Urls.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task PocketIdCall_ServerRedirects_ErrorNamesTheTargetAndTheApiKeyNeverArrivesThere()
    {
        using var fixture = new ClientFixture();
        var client = fixture.Factory.CreatePocketId(new PocketIdConnectionInput { Url = _url, ApiKey = new Secret(ApiKey) });

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => client.GetCurrentUserAsync(CancellationToken.None));

        Assert.Empty(_trapped);
        Assert.Equal(HttpStatusCode.PermanentRedirect, ex.StatusCode);
        Assert.Contains($"a redirect to {_url.TrimEnd('/')}/trap/api/users/me: use that address ({_url.TrimEnd('/')})", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("from=redirect", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, ex.Message, StringComparison.Ordinal);
    }
}
