using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Flurl.Http;
using Flurl.Http.Configuration;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Http;

/// <summary>
/// Builds one typed client per connection: takes the named HttpClient from IHttpClientFactory (which owns the
/// handlers, so tests can swap the primary handler), wraps it in a FlurlClient with the connection's base URL, and adds
/// auth in exactly one place per API. PBS sessions (ticket + CSRF) are kept here per connection, so a TOTP code is
/// asked once per run and later steps reuse the ticket.
/// </summary>
public sealed class ApiClientFactory(IHttpClientFactory httpClientFactory, TimeProvider time, IOptions<WizardHttpOptions> options)
{
    /// <summary>Exact wire names come from [JsonPropertyName]; unset values are left out (PBS rejects unknown/null keys).</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
    };

    private readonly ConcurrentDictionary<string, PbsSession> _pbsSessions = new(StringComparer.Ordinal);

    public WizardHttpOptions Options => options.Value;

    public PbsClient CreatePbs(PbsConnectionInput connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var address = PbsAddress.Parse(connection.Url);
        var flurl = NewFlurlClient(PbsClient.HttpClientName, address.BaseUrl);

        // The pin rides on each request; the shared handler's callback reads it from there (CertificatePin.Validate).
        if (CertificatePin.Normalize(connection.Fingerprint) is { } pin)
        {
            flurl.BeforeCall(call => call.HttpRequestMessage.Options.Set(CertificatePin.PinKey, pin));
        }

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
        var flurl = NewFlurlClient(PocketIdClient.HttpClientName, connection.Url.Trim().TrimEnd('/'));
        if (connection.ApiKey is not null)
        {
            // pocket-id-api.md §3.1: the admin API key header.
            flurl.WithHeader(PocketIdClient.ApiKeyHeaderName, connection.ApiKey.Reveal());
        }

        return new PocketIdClient(flurl, options.Value);
    }

    /// <summary>Forgets every PBS ticket (run finished or abandoned).</summary>
    public void ForgetPbsSessions() => _pbsSessions.Clear();

    private FlurlClient NewFlurlClient(string name, string baseUrl)
    {
        var http = httpClientFactory.CreateClient(name);
        var flurl = new FlurlClient(http, baseUrl);
        flurl.Settings.JsonSerializer = new DefaultJsonSerializer(JsonOptions);
        flurl.Settings.Timeout = options.Value.RequestTimeout;
        return flurl;
    }

    private static string SessionKey(PbsAddress address, PbsConnectionInput connection) =>
        $"{address.BaseUrl}|{connection.Username.Trim()}|{connection.Password?.Fingerprint()}";
}
