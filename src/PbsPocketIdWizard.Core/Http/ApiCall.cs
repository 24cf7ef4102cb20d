using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using Flurl.Http;

namespace PbsPocketIdWizard.Core.Http;

/// <summary>
/// Runs one Flurl call and turns every failure into <see cref="ExternalApiException"/> with the server's own message.
/// Flurl's exception message contains the URL, so it is never passed on; only status, body text and a plain reason.
/// </summary>
internal static class ApiCall
{
    private const int MaxDetailLength = 400;

    public static async Task<T> RunAsync<T>(ExternalService service, TimeSpan timeout, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (FlurlHttpTimeoutException ex)
        {
            throw new ExternalApiException(service, null,
                $"no answer within {timeout.TotalSeconds:0.#} s; the server may be down, overloaded or unreachable from the wizard", ex);
        }
        catch (FlurlParsingException ex)
        {
            throw new ExternalApiException(service, (HttpStatusCode?)ex.StatusCode,
                "the answer was not the JSON this wizard expects; is the address really this server's?", ex);
        }
        catch (FlurlHttpException ex) when (ex.StatusCode is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var presented = CertificatePin.PresentedFingerprint(ex.Call?.HttpRequestMessage);
            if (presented is not null)
            {
                throw new ExternalApiException(service, null,
                    $"its TLS certificate is not trusted. It presented the SHA-256 fingerprint {presented}. Compare it with " +
                    "PBS Dashboard → \"Show Fingerprint\" and, if it is the same, trust it by entering it as the fingerprint", ex)
                {
                    PresentedFingerprint = presented,
                };
            }

            if (FindInner<AuthenticationException>(ex) is not null)
            {
                throw new ExternalApiException(service, null,
                    "the TLS handshake failed (the certificate was refused or the protocol is not supported); check the address and its https:// scheme", ex);
            }

            throw new ExternalApiException(service, null, $"the connection failed ({Reason(ex)}); check the address and that the server is running", ex);
        }
        catch (FlurlHttpException ex) when (ex.StatusCode is >= 300 and < 400)
        {
            // Redirects are never followed (ApiClientFactory): the credentials would go to wherever it points.
            throw new ExternalApiException(service, (HttpStatusCode)ex.StatusCode, DescribeRedirect(ex.Call), ex);
        }
        catch (FlurlHttpException ex)
        {
            var body = await SafeBodyAsync(ex);
            var status = (HttpStatusCode)(ex.StatusCode ?? 0);
            if (service == ExternalService.PocketId)
            {
                var (error, code) = ParsePocketIdError(body);
                throw new ExternalApiException(service, status, Limit(error ?? Fallback(body, status)), ex) { ErrorCode = code };
            }

            // PBS /api2/json errors are the bare message text (pbs-api.md §1 "Error format").
            throw new ExternalApiException(service, status, Limit(Fallback(body, status)), ex);
        }
    }

    /// <summary>Where a 3xx pointed, as scheme://host:port/path (never its query or user info), and what to do.</summary>
    internal static string DescribeRedirect(FlurlCall? call)
    {
        var location = call?.Response?.ResponseMessage.Headers.Location;
        if (location is not null && !location.IsAbsoluteUri && call?.HttpRequestMessage.RequestUri is { } requested)
        {
            location = new Uri(requested, location);
        }

        if (location is null || !location.IsAbsoluteUri)
        {
            return "a redirect without a target. The wizard does not follow redirects; check the address";
        }

        var origin = location.GetLeftPart(UriPartial.Authority).Replace(location.UserInfo + "@", "", StringComparison.Ordinal);
        return $"a redirect to {origin}{location.AbsolutePath}: use that address ({origin}) if it is the right server. The wizard " +
            "does not follow redirects, so credentials go only to the address you entered";
    }

    /// <summary>An empty or null body is an error, never a silent default.</summary>
    public static T Require<T>(ExternalService service, T? value, string what)
        where T : class =>
        value ?? throw new ExternalApiException(service, HttpStatusCode.OK, $"the answer to {what} was empty");

    /// <summary>Pocket ID 2.13+ answers {error,code,details,request_id}; older versions {error} (pocket-id-api.md §4).</summary>
    internal static (string? Error, string? Code) ParsePocketIdError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? Text(string name) =>
                doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

            var error = Text("error");
            var description = Text("error_description");
            return (description is null ? error : $"{error}: {description}", Text("code"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static async Task<string> SafeBodyAsync(FlurlHttpException ex)
    {
        try
        {
            return await ex.GetResponseStringAsync() ?? string.Empty;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or OperationCanceledException)
        {
            return string.Empty;
        }
    }

    private static string Fallback(string body, HttpStatusCode status) =>
        string.IsNullOrWhiteSpace(body) ? $"HTTP {(int)status} {status} with no message" : body.Trim();

    private static string Limit(string text) => text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";

    private static string Reason(Exception ex)
    {
        // The innermost message names the socket problem ("Connection refused (host:port)"); never the URL or headers.
        var inner = ex.InnerException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner switch
        {
            null => "no answer",
            IOException or HttpRequestException when inner.Message.Length == 0 => "the connection was closed",
            _ => inner.Message.TrimEnd('.'),
        };
    }

    private static TException? FindInner<TException>(Exception ex)
        where TException : Exception
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is TException match)
            {
                return match;
            }
        }

        return null;
    }
}
