using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>One validation failure as §4.1 reports it: JSON field name, code, message.</summary>
internal sealed record FieldProblem(string Field, string Code, string Message);

/// <summary>Thrown by handlers to end a request with an admin-API error body (§4).</summary>
internal sealed class PocketIdApiError(int status, string code, string message, JsonObject? details = null, string? legacyMessage = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public JsonObject? Details { get; } = details;

    /// <summary>The ≤ v2.12 wording when it differs (§4.2).</summary>
    public string? LegacyMessage { get; } = legacyMessage;

    public static PocketIdApiError NotFound(string resource) =>
        new(404, "not_found", $"{resource} not found", new JsonObject { ["resource"] = resource }, "Record not found");

    public static PocketIdApiError InvalidBody() => new(400, "invalid_request_body", "Request body is invalid");

    public static PocketIdApiError Validation(params FieldProblem[] problems)
    {
        var fields = new JsonArray();
        foreach (var p in problems)
        {
            fields.Add(new JsonObject { ["field"] = p.Field, ["code"] = p.Code, ["message"] = p.Message });
        }

        var joined = string.Join(", ", problems.Select(p => $"{p.Field} {p.Message}"));
        var legacy = string.Join(", ", problems.Select(p => $"{Capitalise(p.Field)} {p.Message}"));
        return new PocketIdApiError(400, "validation_failed", Capitalise(joined), new JsonObject { ["fields"] = fields }, legacy);
    }

    /// <summary>A ValidationMessage(...) error: 400 validation_failed with a plain sentence.</summary>
    public static PocketIdApiError Sentence(string message) => new(400, "validation_failed", message);

    internal static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>Per-request helpers: profile-aware error bodies, JSON binding rules of §2, responses.</summary>
internal sealed class PocketIdRequest(HttpContext http, PocketIdSimulatorState state, IReadOnlyDictionary<string, string> routeValues)
{
    internal static readonly JsonSerializerOptions BindOptions = new()
    {
        // Go encoding/json matches keys case-insensitively and ignores unknown fields (§2).
        PropertyNameCaseInsensitive = true,
    };

    public HttpContext Http { get; } = http;
    public PocketIdSimulatorState State { get; } = state;
    public PocketIdProfile Profile => State.Profile;
    public IReadOnlyDictionary<string, string> RouteValues { get; } = routeValues;
    public SimUser? User { get; set; }

    public string Route(string name) => RouteValues[name];

    public string Issuer => PocketIdRequestUrls.Issuer(Http, State);

    /// <summary>
    /// §2 binding: v2.13+ require application/json or application/*+json; malformed JSON, type mismatch → 400 invalid_request_body.
    /// <paramref name="optional"/>: an empty body without content type is fine (POST …/secrets).
    /// </summary>
    public async Task<T?> ReadJsonAsync<T>(bool optional = false) where T : class
    {
        using var buffer = new MemoryStream();
        await Http.Request.Body.CopyToAsync(buffer, Http.RequestAborted);
        var contentType = Http.Request.ContentType;
        if (optional && buffer.Length == 0)
        {
            return null;
        }

        if (Profile.StructuredErrors && !IsJsonContentType(contentType))
        {
            throw PocketIdApiError.InvalidBody();
        }

        if (buffer.Length == 0)
        {
            throw PocketIdApiError.InvalidBody();
        }

        try
        {
            buffer.Position = 0;
            return JsonSerializer.Deserialize<T>(buffer, BindOptions);
        }
        catch (JsonException)
        {
            throw PocketIdApiError.InvalidBody();
        }
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var media = contentType.Split(';')[0].Trim();
        return string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    public Task JsonAsync(int status, JsonNode? body)
    {
        Http.Response.StatusCode = status;
        Http.Response.ContentType = "application/json; charset=utf-8";
        return Http.Response.WriteAsync(body?.ToJsonString() ?? "null", Encoding.UTF8, Http.RequestAborted);
    }

    public Task NoContentAsync()
    {
        Http.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public Task ErrorAsync(PocketIdApiError error) => PocketIdErrorWriter.WriteAsync(Http, Profile, error.Status, error.Code,
        Profile.StructuredErrors ? error.Message : error.LegacyMessage ?? error.Message, error.Details);
}

internal static class PocketIdErrorWriter
{
    public const string EndpointNotFound = "API endpoint not found";

    /// <summary>Writes {error,code,details,request_id} (v2.13+) or {error} (older), §4.</summary>
    public static Task WriteAsync(HttpContext http, PocketIdProfile profile, int status, string code, string message, JsonObject? details = null)
    {
        var body = new JsonObject { ["error"] = message };
        if (profile.StructuredErrors)
        {
            body["code"] = code;
            if (details is { Count: > 0 })
            {
                body["details"] = details;
            }

            body["request_id"] = RequestId(http);
            http.Response.Headers["X-Request-ID"] = RequestId(http);
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    /// <summary>§2: unknown route or wrong method → exactly {"error":"API endpoint not found"}, no code, in every version.</summary>
    public static Task WriteEndpointNotFoundAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(new JsonObject { ["error"] = EndpointNotFound }.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    /// <summary>Body for an injected status fault, in the profile's shape.</summary>
    public static Task WriteFaultAsync(HttpContext http, PocketIdProfile profile, int status, string? message)
    {
        var (code, text) = status switch
        {
            400 => ("validation_failed", "Bad request"),
            401 => ("not_signed_in", "You are not signed in"),
            403 => ("forbidden", "You don't have permission to perform this action"),
            404 => ("not_found", "Not found"),
            409 => ("already_in_use", "Already in use"),
            429 => ("rate_limited", "Too many requests"),
            _ => ("internal_error", "Something went wrong"),
        };
        if (status == StatusCodes.Status429TooManyRequests)
        {
            http.Response.Headers.RetryAfter = "1";
        }

        return WriteAsync(http, profile, status, code, string.IsNullOrEmpty(message) ? text : message);
    }

    public static string RequestId(HttpContext http)
    {
        if (http.Items.TryGetValue(RequestIdKey, out var value) && value is string id)
        {
            return id;
        }

        var created = Guid.NewGuid().ToString();
        http.Items[RequestIdKey] = created;
        return created;
    }

    private const string RequestIdKey = "pocket-id-sim.request-id";
}

internal static class PocketIdRequestUrls
{
    /// <summary>APP_URL lower-cased, without trailing slash (§11.1); falls back to the request's own origin.</summary>
    public static string Issuer(HttpContext http, PocketIdSimulatorState state) =>
        (state.PublicUrl ?? $"{http.Request.Scheme}://{http.Request.Host}").TrimEnd('/').ToLowerInvariant();
}
