using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>What PBS keeps of the provider's discovery document and JWKS (pbs-api.md §7.1).</summary>
internal sealed record PbsOpenIdDiscovery(string Issuer, string AuthorizationEndpoint, string TokenEndpoint, string? UserinfoEndpoint, JsonArray Keys);

/// <summary>An OpenID realm's settings as the login reads them from domains.cfg (pbs-api.md §3).</summary>
internal sealed record PbsOpenIdRealm(string IssuerUrl, string ClientId, string? ClientKey, bool Autocreate, string? UsernameClaim,
    string? Scopes, string? Prompt, string? AcrValues, IReadOnlyList<string> Audiences);

internal sealed record PbsTokenResponse(string AccessToken, string IdToken);

/// <summary>
/// PBS's outbound calls to the identity provider (pbs-api.md §7): discovery + JWKS, the code exchange and userinfo,
/// with the error texts the proxmox-openid crate shows.
/// </summary>
internal sealed class PbsOpenIdProvider(PbsSimulatorState state) : IDisposable
{
    // Created on first use, so a test may build the IdP (e.g. a TestServer) after the PBS simulator.
    private readonly Lazy<HttpClient> _client = new(() => state.Options.IdentityProviderHandler is { } factory
        ? new HttpClient(factory(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(15) }
        : new HttpClient { Timeout = TimeSpan.FromSeconds(15) });

    private HttpClient Http => _client.Value;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>`issuer-url` + `/.well-known/openid-configuration`, then the JWKS (pbs-api.md §7.1, §7.6).</summary>
    public async Task<PbsOpenIdDiscovery> DiscoverAsync(string issuerUrl, int status, CancellationToken ct)
    {
        if (!Uri.TryCreate(issuerUrl, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https"))
        {
            throw new PbsApiException(status, Uri.TryCreate(issuerUrl, UriKind.Absolute, out _) ? "Request failed" : "relative URL without a base");
        }

        var url = issuerUrl + (issuerUrl.EndsWith('/') ? string.Empty : "/") + ".well-known/openid-configuration";
        var doc = await GetJsonAsync(url, status, null, ct);
        string? docIssuer = null, authorize = null, token = null, userinfo = null, jwksUri = null;
        try
        {
            docIssuer = doc["issuer"]?.GetValue<string>();
            authorize = doc["authorization_endpoint"]?.GetValue<string>();
            token = doc["token_endpoint"]?.GetValue<string>();
            userinfo = doc["userinfo_endpoint"]?.GetValue<string>();
            jwksUri = doc["jwks_uri"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new PbsApiException(status, "Failed to parse server response");
        }

        if (docIssuer is null || authorize is null || jwksUri is null)
        {
            throw new PbsApiException(status, "Failed to parse server response");
        }

        if (docIssuer != issuerUrl)
        {
            throw new PbsApiException(status, $"Validation error: unexpected issuer URI `{docIssuer}` (expected `{issuerUrl}`)");
        }

        var jwks = await GetJsonAsync(jwksUri, status, null, ct);
        if (jwks["keys"] is not JsonArray keys)
        {
            throw new PbsApiException(status, "Failed to parse server response");
        }

        return new PbsOpenIdDiscovery(docIssuer, authorize, token ?? string.Empty, userinfo, keys);
    }

    private async Task<JsonObject> GetJsonAsync(string url, int status, string? prefix, CancellationToken ct, string? bearer = null)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            response = await Http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            throw new PbsApiException(status, prefix + "Request failed");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new PbsApiException(status, $"{prefix}Server returned invalid response: HTTP status code {(int)response.StatusCode} at {url}");
            }

            try
            {
                return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject
                    ?? throw new PbsApiException(status, prefix + "Failed to parse server response");
            }
            catch (JsonException)
            {
                throw new PbsApiException(status, prefix + "Failed to parse server response");
            }
        }
    }

    
    public async Task<PbsTokenResponse> ExchangeCodeAsync(
        PbsOpenIdDiscovery discovery, PbsOpenIdRealm realm, string code, string redirectUrl, string verifier, CancellationToken ct)
    {
        const string prefix = "Failed to contact token endpoint: ";
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("code_verifier", verifier),
            new("redirect_uri", redirectUrl),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, discovery.TokenEndpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (realm.ClientKey is { } secret)
        {
            // client_secret_basic with form-urlencoded id and secret (oauth2-rs, RFC 6749 §2.3.1).
            var basic = $"{Uri.EscapeDataString(realm.ClientId)}:{Uri.EscapeDataString(secret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form.Add(new("client_id", realm.ClientId));
        }

        request.Content = new FormUrlEncodedContent(form);
        await ApplyTokenExchangeFaultAsync(prefix, ct);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            throw new PbsApiException(401, prefix + "Request failed");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                // handled below
            }

            if (!response.IsSuccessStatusCode)
            {
                if (json?["error"] is JsonValue error && error.TryGetValue<string>(out var errorCode))
                {
                    var description = json["error_description"] is JsonValue d && d.TryGetValue<string>(out var text) ? $": {text}" : string.Empty;
                    throw new PbsApiException(401, $"{prefix}Server returned error response: {errorCode}{description}");
                }

                throw new PbsApiException(401, $"{prefix}Server returned invalid response: HTTP status code {(int)response.StatusCode}");
            }

            var accessToken = json?["access_token"] is JsonValue a && a.TryGetValue<string>(out var at) ? at : null;
            var idToken = json?["id_token"] is JsonValue i && i.TryGetValue<string>(out var it) ? it : null;
            if (accessToken is null)
            {
                throw new PbsApiException(401, prefix + "Failed to parse server response");
            }

            return idToken is null
                ? throw new PbsApiException(401, "Failed to verify ID token: ID token missing")
                : new PbsTokenResponse(accessToken, idToken);
        }
    }

    public async Task<JsonObject> UserinfoAsync(PbsOpenIdDiscovery discovery, string accessToken, CancellationToken ct)
    {
        if (discovery.UserinfoEndpoint is null)
        {
            throw new PbsApiException(401, "Failed to contact userinfo endpoint: No user info endpoint specified");
        }

        return await GetJsonAsync(discovery.UserinfoEndpoint, 401, "Failed to contact userinfo endpoint: ", ct, accessToken);
    }

    /// <summary>The `/_sim/faults` path naming PBS's code exchange with the identity provider (an outbound call).</summary>
    public const string TokenExchangeFaultPath = "idp:token";

    /// <summary>
    /// A fault armed for <see cref="TokenExchangeFaultPath"/> fails the exchange as PBS would see it, after the
    /// provider has already authorized the user: a status as the provider's answer, a drop or delay as "Request
    /// failed" (unreachable, untrusted certificate, timeout). Nothing is sent, so the code stays unredeemed.
    /// </summary>
    private async Task ApplyTokenExchangeFaultAsync(string prefix, CancellationToken ct)
    {
        if (state.Faults.TryTake(HttpMethod.Post.Method, TokenExchangeFaultPath) is not { } fault)
        {
            return;
        }

        if (fault.DelayMs > 0)
        {
            await Task.Delay(fault.DelayMs, ct);
        }

        throw fault.Status is { } status && !fault.Drop
            ? new PbsApiException(401, $"{prefix}Server returned invalid response: HTTP status code {status}")
            : new PbsApiException(401, prefix + "Request failed");
    }
}
