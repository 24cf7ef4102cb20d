using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Flurl.Http;
using Flurl.Http.Configuration;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Clients;

/// <summary>
/// Builds one typed client per connection, wraps it in a FlurlClient with the connection's base URL, and adds auth in
/// exactly one place per API. Pocket ID's HttpClient comes from IHttpClientFactory; PBS gets one handler (connection
/// pool) per address and pin, made here, so a pin holds for every request. Neither follows redirects: credentials go
/// only to the address the admin entered. PBS sessions (ticket + CSRF) are kept here per connection, so a TOTP code is
/// asked once per run and later steps reuse the ticket. No client is made for an address the
/// <see cref="IServerAddressPolicy"/> refuses (demo mode talks to its simulators only).
/// </summary>
public sealed class ApiClientFactory(IHttpClientFactory httpClientFactory, TimeProvider time, IOptions<WizardHttpOptions> options, IServerAddressPolicy addresses) : IDisposable
{
    /// <summary>Exact wire names come from [JsonPropertyName]; unset values are left out (PBS rejects unknown/null keys).</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
    };

    private readonly ConcurrentDictionary<string, PbsSession> _pbsSessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageHandler>> _pbsHandlers = new(StringComparer.Ordinal);

    public WizardHttpOptions Options => options.Value;

    /// <summary>Which servers the engine may talk to; the connection steps report a refusal at the address field.</summary>
    public IServerAddressPolicy Addresses => addresses;

    public PbsClient CreatePbs(PbsConnectionInput connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        RefuseIfNotAllowed(StepTarget.Pbs, connection.Url, nameof(PbsConnectionInput.Url));
        var address = PbsAddress.Parse(connection.Url);
        var pin = CertificatePin.Normalize(connection.Fingerprint);
        var flurl = NewFlurlClient(PbsHttpClient(address.BaseUrl, pin), address.BaseUrl);

        PbsApiToken? token = null;
        if (connection.ApiToken is not null)
        {
            if (!PbsApiToken.TryParse(connection.ApiToken.Reveal(), out token) || token is null)
            {
                throw new ArgumentException("The PBS API token must look like user@realm!name:secret.", nameof(connection));
            }

            // API-token auth, pbs-api.md §2.3: "PBSAPIToken=<id>:<secret>" (colon, not '='); no CSRF header needed.
            flurl.WithHeader("Authorization", token.AuthorizationHeader);
        }

        var session = token is null
            ? _pbsSessions.GetOrAdd(SessionKey(address, connection), _ => new PbsSession())
            : new PbsSession();
        return new PbsClient(flurl, connection.Username.Trim(), connection.Password, token, session, time, options.Value);
    }

    public PocketIdClient CreatePocketId(PocketIdConnectionInput connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        RefuseIfNotAllowed(StepTarget.PocketId, connection.Url, nameof(PocketIdConnectionInput.Url));
        var flurl = NewFlurlClient(httpClientFactory.CreateClient(PocketIdClient.HttpClientName), connection.Url.Trim().TrimEnd('/'));
        if (connection.ApiKey is not null)
        {
            // pocket-id-api.md §3.1: the admin API key header.
            flurl.WithHeader(PocketIdClient.ApiKeyHeaderName, connection.ApiKey.Reveal());
        }

        return new PocketIdClient(flurl, options.Value);
    }

    private void RefuseIfNotAllowed(StepTarget server, string url, string field)
    {
        if (addresses.Refusal(server, url) is { } refusal)
        {
            throw new WizardStepException(new FieldError(field, refusal));
        }
    }

    /// <summary>Forgets every PBS ticket (run finished or abandoned).</summary>
    public void ForgetPbsSessions() => _pbsSessions.Clear();

    public void Dispose()
    {
        foreach (var handler in _pbsHandlers.Values.Where(h => h.IsValueCreated))
        {
            handler.Value.Dispose();
        }
    }

    private FlurlClient NewFlurlClient(HttpClient http, string baseUrl)
    {
        var flurl = new FlurlClient(http, baseUrl);
        flurl.Settings.JsonSerializer = new DefaultJsonSerializer(JsonOptions);
        flurl.Settings.Timeout = options.Value.RequestTimeout;
        // Flurl follows redirects itself (forwarding headers such as Pocket ID's API key): never. A 3xx is an error
        // that names where it pointed (ApiCall).
        flurl.Settings.Redirects.Enabled = false;
        // Flurl counts any status below 400 as success; a redirect not followed is a failure here.
        flurl.AfterCall(call =>
        {
            if (call.Response is { StatusCode: >= 300 and < 400 })
            {
                throw new FlurlHttpException(call);
            }
        });
        return flurl;
    }

    /// <summary>
    /// One handler, and so one connection pool, per PBS address and pin: a connection validated under one pin (or
    /// none) can never carry a request made under another. The handlers live as long as the factory (a few per run);
    /// each client gets its own HttpClient over the shared handler (Flurl sets the HttpClient's timeout).
    /// </summary>
    private HttpClient PbsHttpClient(string baseUrl, string? pin) =>
        new(_pbsHandlers.GetOrAdd($"{baseUrl}|{pin}", _ => new Lazy<HttpMessageHandler>(() =>
            options.Value.PbsPrimaryHandler?.Invoke() ?? PinnedHandler(pin))).Value, disposeHandler: false);

    private static HttpClientHandler PinnedHandler(string? pin) => new()
    {
        // Normal validation, or this handler's SHA-256 pin; never a blanket accept.
        ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) => CertificatePin.Validate(request, certificate, chain, errors, pin),
        UseCookies = false,
        AllowAutoRedirect = false,
    };

    private static string SessionKey(PbsAddress address, PbsConnectionInput connection) =>
        $"{address.BaseUrl}|{connection.Username.Trim()}|{connection.Password?.Fingerprint()}";
}
