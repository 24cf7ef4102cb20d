using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

/// <summary>An in-memory Pocket ID simulator on a TestServer, plus the steps most tests share.</summary>
internal sealed class PocketIdSimHost : IAsyncDisposable
{
    public const string PbsCallback = "https://pbs.example.com:8007";
    public const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-simulator-verifier";

    private readonly WebApplication _app;

    private PocketIdSimHost(WebApplication app, PocketIdSimulatorOptions options)
    {
        _app = app;
        Options = options;
        State = app.Services.GetService(typeof(PocketIdSimulatorState)) as PocketIdSimulatorState ?? throw new InvalidOperationException("state missing");
        Http = app.GetTestClient();
    }

    public PocketIdSimulatorOptions Options { get; }

    public PocketIdSimulatorState State { get; }

    public HttpClient Http { get; }

    public static async Task<PocketIdSimHost> StartAsync(string version = "2.14.0", Action<PocketIdSimulatorOptions>? configure = null)
    {
        var options = new PocketIdSimulatorOptions { Version = version, PublicUrl = "https://id.example.com" };
        configure?.Invoke(options);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddPocketIdSimulator(options);
        var app = builder.Build();
        app.MapPocketIdSimulator();
        await app.StartAsync();
        return new PocketIdSimHost(app, options);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }

    public HttpRequestMessage Admin(HttpMethod method, string path, object? json = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey ?? Options.ApiKey);
        if (json is not null)
        {
            request.Content = new StringContent(json as string ?? JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        }

        return request;
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> AdminAsync(HttpMethod method, string path, object? json = null, string? apiKey = null) =>
        SendAsync(Admin(method, path, json, apiKey));

    /// <summary>Creates a confidential client registered for the PBS origin and returns its id.</summary>
    public async Task<string> CreateClientAsync(string id = "pbs", object? body = null)
    {
        var (status, json) = await AdminAsync(HttpMethod.Post, "/api/oidc/clients", body ?? new
        {
            id,
            name = "Proxmox Backup Server",
            callbackURLs = new[] { PbsCallback },
            isPublic = false,
            pkceEnabled = false,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        return json!["id"]!.GetValue<string>();
    }

    /// <summary>Creates a secret with the profile's endpoint (§6) and returns the value.</summary>
    public async Task<string> CreateSecretAsync(string clientId)
    {
        if (State.Profile.MultiSecrets)
        {
            var (status, json) = await AdminAsync(HttpMethod.Post, $"/api/oidc/clients/{clientId}/secrets");
            Assert.Equal(HttpStatusCode.Created, status);
            return json!["secret"]!.GetValue<string>();
        }

        var (legacyStatus, legacy) = await AdminAsync(HttpMethod.Post, $"/api/oidc/clients/{clientId}/secret");
        Assert.Equal(HttpStatusCode.OK, legacyStatus);
        return legacy!["secret"]!.GetValue<string>();
    }

    /// <summary>POST /_sim/sign-in and return the session cookie ("name=value").</summary>
    public async Task<string> SignInAsync(string username)
    {
        using var response = await Http.PostAsync("/_sim/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username }));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    public static string S256(string verifier) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static string AuthorizeUrl(string clientId, string? redirectUri = PbsCallback, string scope = "openid profile email groups",
        string? challenge = null, string? method = "S256", string state = "st-123", string? nonce = "n-456")
    {
        var query = new Dictionary<string, string?> { ["client_id"] = clientId, ["response_type"] = "code", ["scope"] = scope, ["state"] = state };
        if (redirectUri is not null)
        {
            query["redirect_uri"] = redirectUri;
        }

        if (nonce is not null)
        {
            query["nonce"] = nonce;
        }

        if (challenge is not null)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = method;
        }

        return QueryHelpers.AddQueryString("/authorize", query);
    }

    public async Task<HttpResponseMessage> AuthorizeAsync(string url, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Signs in, authorizes with PKCE S256 and returns the code from the callback redirect.</summary>
    public async Task<string> GetCodeAsync(string clientId, string username = "alice", string scope = "openid profile email groups", string? nonce = "n-456")
    {
        var cookie = await SignInAsync(username);
        using var response = await AuthorizeAsync(AuthorizeUrl(clientId, scope: scope, challenge: S256(Verifier), nonce: nonce), cookie);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = RawLocation(response);
        Assert.StartsWith(PbsCallback + "?", location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query)["code"].ToString();
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> RedeemAsync(string clientId, string? secret, string code, bool basic = true,
        string? verifier = Verifier, string redirectUri = PbsCallback)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri };
        if (verifier is not null)
        {
            form["code_verifier"] = verifier;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/oidc/token");
        if (basic && secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        }
        else
        {
            form["client_id"] = clientId;
            if (secret is not null)
            {
                form["client_secret"] = secret;
            }
        }

        request.Content = new FormUrlEncodedContent(form);
        return await SendAsync(request);
    }

    /// <summary>The Location header as sent (Uri.ToString would add a "/" to a bare origin).</summary>
    public static string RawLocation(HttpResponseMessage response) => response.Headers.NonValidated["Location"].ToString();

    public static JsonObject DecodePayload(string jwt) => (JsonObject)JsonNode.Parse(FromBase64Url(jwt.Split('.')[1]))!;

    public static JsonObject DecodeHeader(string jwt) => (JsonObject)JsonNode.Parse(FromBase64Url(jwt.Split('.')[0]))!;

    public static byte[] FromBase64Url(string text) => Base64Url.DecodeFromChars(text);
}
