using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Simulators.Pbs;
using PbsPocketIdWizard.Simulators.Tls;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>The PBS simulator in a TestServer, with raw request helpers (no client library: the wire is what is tested).</summary>
internal sealed class PbsTestHost : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(() => SelfSignedCertificate.Create("pbs-test"));

    private readonly WebApplication _app;

    private PbsTestHost(WebApplication app, PbsSimulatorState state, HttpClient client)
    {
        _app = app;
        State = state;
        Client = client;
    }

    public PbsSimulatorState State { get; }

    public HttpClient Client { get; }

    public static X509Certificate2 Certificate => SharedCertificate.Value;

    public static async Task<PbsTestHost> StartAsync(Action<PbsSimulatorOptions>? configure = null)
    {
        var options = new PbsSimulatorOptions
        {
            AuthFailureDelay = TimeSpan.Zero,
            ForbiddenDelay = TimeSpan.Zero,
            Certificate = SharedCertificate.Value,
        };
        configure?.Invoke(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddPbsSimulator(options);
        var app = builder.Build();
        app.MapPbsSimulator();
        await app.StartAsync();
        var state = (PbsSimulatorState)app.Services.GetService(typeof(PbsSimulatorState))!;
        return new PbsTestHost(app, state, app.GetTestClient());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>root@pam ticket login; returns the credentials to send.</summary>
    public async Task<PbsAuth> LoginAsync(string username = "root@pam", string password = "demo")
    {
        var response = await SendAsync(HttpMethod.Post, "/api2/json/access/ticket", Form(("username", username), ("password", password)));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Json!["data"]!;
        return PbsAuth.FromTicket(data["ticket"]!.GetValue<string>(), data["CSRFPreventionToken"]!.GetValue<string>());
    }

    public static HttpContent Form(params (string Key, string Value)[] pairs) =>
        new FormUrlEncodedContent(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    public static HttpContent Json(object body) =>
        new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public async Task<PbsResponse> SendAsync(HttpMethod method, string path, HttpContent? content = null, PbsAuth? auth = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        auth?.Apply(request);
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            json = JsonNode.Parse(body);
        }

        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        return new PbsResponse(response.StatusCode, body, json, cookies, response.Content.Headers.ContentType);
    }

    public Task<PbsResponse> GetAsync(string path, PbsAuth? auth = null) => SendAsync(HttpMethod.Get, path, null, auth);
}

internal sealed record PbsResponse(HttpStatusCode Status, string Body, JsonNode? Json, IReadOnlyList<string> SetCookies, MediaTypeHeaderValue? ContentType)
{
    public JsonNode? Data => Json?["data"];
}

/// <summary>Either a ticket (cookie + CSRF header) or an API token header.</summary>
internal sealed record PbsAuth(string? Ticket, string? Csrf, string? TokenHeader, string CookieName = "PBSAuthCookie")
{
    public static PbsAuth FromTicket(string ticket, string csrf) => new(ticket, csrf, null);

    public static PbsAuth FromToken(string tokenId, string secret, char separator = '=') =>
        new(null, null, $"PBSAPIToken{separator}{tokenId}:{secret}");

    public void Apply(HttpRequestMessage request)
    {
        if (Ticket is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={Uri.EscapeDataString(Ticket)}");
        }

        if (Csrf is not null)
        {
            request.Headers.Add("CSRFPreventionToken", Csrf);
        }

        if (TokenHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", TokenHeader);
        }
    }
}
