using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>An error as PBS's formatter writes it: status + bare message text (pbs-api.md §1).</summary>
internal sealed class PbsApiException(int status, string message, IReadOnlyList<KeyValuePair<string, string>>? parameterErrors = null)
    : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>For the extjs formatter's `errors` object.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ParameterErrors { get; } = parameterErrors ?? [];

    public static PbsApiException Parameter(string name, string reason) =>
        Parameters([new KeyValuePair<string, string>(name, reason)]);

    /// <summary>`parameter verification failed - 'x': reason`, or the multi-line form (pbs-api.md §1).</summary>
    public static PbsApiException Parameters(IReadOnlyList<KeyValuePair<string, string>> errors)
    {
        var message = errors.Count == 1
            ? $"parameter verification failed - '{errors[0].Key}': {errors[0].Value}"
            : ("parameter verification failed:\n" + string.Join('\n', errors.Select(e => $"- '{e.Key}': {e.Value}"))).Trim();
        return new PbsApiException(400, message, errors);
    }
}

/// <summary>Validated method parameters: strings, booleans, integers and string arrays.</summary>
internal sealed class PbsParameters
{
    private readonly Dictionary<string, object> _values;

    public PbsParameters(Dictionary<string, object> values) => _values = values;

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Str(string name) => _values.TryGetValue(name, out var v) ? v as string : null;

    public bool? Bool(string name) => _values.TryGetValue(name, out var v) && v is bool b ? b : null;

    public long? Int(string name) => _values.TryGetValue(name, out var v) && v is long l ? l : null;

    public IReadOnlyList<string> List(string name) =>
        _values.TryGetValue(name, out var v) && v is List<string> l ? l : [];

    public const int MaxBodyBytes = 512 * 1024;

    /// <summary>Reads query + body (form or JSON) + path variables and checks them against the schema (pbs-api.md §1).</summary>
    public static async Task<PbsParameters> ReadAsync(
        HttpContext context, PbsMethodSchema method, IReadOnlyDictionary<string, string> pathParams)
    {
        var request = context.Request;
        var isJson = false;
        var formValues = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        JsonElement? json = null;

        foreach (var (key, values) in request.Query)
        {
            Add(formValues, key, values);
        }

        if (request.Method != HttpMethods.Get && request.Method != HttpMethods.Head)
        {
            var body = await ReadBodyAsync(request);
            var contentType = request.ContentType;
            var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(mediaType) || mediaType == "application/x-www-form-urlencoded")
            {
                foreach (var (key, values) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
                {
                    Add(formValues, key, values);
                }
            }
            else if (mediaType == "application/json")
            {
                isJson = true;
                if (body.Length > 0)
                {
                    try
                    {
                        using var doc = JsonDocument.Parse(body);
                        if (doc.RootElement.ValueKind != JsonValueKind.Object)
                        {
                            throw new PbsApiException(400, "unable to parse json body - expected object");
                        }

                        json = doc.RootElement.Clone();
                    }
                    catch (JsonException ex)
                    {
                        throw new PbsApiException(400, $"unable to parse json body - {ex.Message}");
                    }
                }
            }
            else
            {
                throw new PbsApiException(400, $"unsupported content type {contentType}");
            }
        }

        formValues.Remove("_dc");
        var errors = new List<KeyValuePair<string, string>>();
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        var schema = method.Parameters;

        // Path variables join the parameters; in a form they clash with a body copy, with JSON the path wins.
        foreach (var (name, value) in pathParams)
        {
            if (formValues.TryGetValue(name, out var existing))
            {
                if (!isJson)
                {
                    errors.Add(new(name, "duplicate parameter."));
                    formValues.Remove(name);
                    continue;
                }

                formValues.Remove(name);
            }

            formValues[name] = [value];
        }

        foreach (var (name, values) in formValues)
        {
            if (!schema.TryGetValue(name, out var param))
            {
                errors.Add(new(name, isJson ? "schema does not allow additional properties" : "schema does not allow additional properties."));
                continue;
            }

            if (param.Type == "array")
            {
                var list = new List<string>();
                foreach (var value in values)
                {
                    var reason = CheckString(param.Items!, value);
                    if (reason is not null)
                    {
                        errors.Add(new(name, reason));
                    }

                    list.Add(value);
                }

                result[name] = list;
                continue;
            }

            if (values.Count > 1)
            {
                errors.Add(new(name, "duplicate parameter."));
                continue;
            }

            var (parsed, error) = ParseFormScalar(param, values[0]);
            if (error is not null)
            {
                errors.Add(new(name, error));
            }
            else
            {
                result[name] = parsed!;
            }
        }

        if (json is { } obj)
        {
            foreach (var prop in obj.EnumerateObject())
            {
                if (pathParams.ContainsKey(prop.Name))
                {
                    continue;
                }

                if (!schema.TryGetValue(prop.Name, out var param))
                {
                    errors.Add(new(prop.Name, "schema does not allow additional properties"));
                    continue;
                }

                var (parsed, error) = ParseJson(param, prop.Value);
                if (error is not null)
                {
                    errors.Add(new(prop.Name, error));
                }
                else
                {
                    result[prop.Name] = parsed!;
                }
            }
        }

        foreach (var param in schema.Values)
        {
            if (!param.Optional && !result.ContainsKey(param.Name) && errors.All(e => e.Key != param.Name))
            {
                errors.Add(new(param.Name, isJson ? "property is missing and it is not optional" : "parameter is missing and it is not optional."));
            }
        }

        if (errors.Count > 0)
        {
            throw PbsApiException.Parameters(errors);
        }

        return new PbsParameters(result);
    }

    private static void Add(Dictionary<string, List<string>> target, string key, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (!target.TryGetValue(key, out var list))
        {
            target[key] = list = [];
        }

        list.AddRange(values.Select(v => v ?? string.Empty));
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                throw new PbsApiException(400, "Request body too large");
            }
        }

        return buffer.ToArray();
    }

    private static (object? Value, string? Error) ParseFormScalar(PbsParamSchema param, string value)
    {
        switch (param.Type)
        {
            case "boolean":
                return value.ToLowerInvariant() switch
                {
                    "1" or "on" or "yes" or "true" => (true, null),
                    "0" or "off" or "no" or "false" => (false, null),
                    _ => (null, "Unable to parse boolean option."),
                };
            case "integer":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return (null, "invalid digit found in string");
                }

                return CheckInteger(param, number) is { } intError ? (null, intError) : (number, null);
            default:
                return CheckString(param, value) is { } error ? (null, error) : (value, null);
        }
    }

    private static (object? Value, string? Error) ParseJson(PbsParamSchema param, JsonElement value)
    {
        switch (param.Type)
        {
            case "boolean":
                return value.ValueKind switch
                {
                    JsonValueKind.True => (true, null),
                    JsonValueKind.False => (false, null),
                    _ => (null, "Expected boolean value."),
                };
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
                {
                    return (null, "Expected integer value.");
                }

                return CheckInteger(param, number) is { } intError ? (null, intError) : (number, null);
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return (null, "Expected array - got scalar value.");
                }

                var list = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return (null, "Expected string value.");
                    }

                    if (CheckString(param.Items!, item.GetString()!) is { } itemError)
                    {
                        return (null, itemError);
                    }

                    list.Add(item.GetString()!);
                }

                return (list, null);
            default:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return (null, "Expected string value.");
                }

                var text = value.GetString()!;
                return CheckString(param, text) is { } error ? (null, error) : (text, null);
        }
    }

    private static string? CheckInteger(PbsParamSchema param, long number)
    {
        if (param.Minimum is { } min && number < min)
        {
            return $"value must have a minimum value of {min} (got {number})";
        }

        if (param.Maximum is { } max && number > max)
        {
            return $"value must have a maximum value of {max} (got {number})";
        }

        return null;
    }

    internal static string? CheckString(PbsParamSchema param, string value)
    {
        if (param.MinLength is { } min && value.Length < min)
        {
            return $"value must be at least {min} characters long";
        }

        if (param.MaxLength is { } max && value.Length > max)
        {
            return $"value may only be {max} characters long";
        }

        if (param.Enum is { } values && !values.Contains(value, StringComparer.Ordinal))
        {
            return $"value '{value}' is not defined in the enumeration.";
        }

        if (param.Pattern is { } pattern && !pattern.IsMatch(value))
        {
            return "value does not match the regex pattern";
        }

        if (param.ListItems is { } items)
        {
            foreach (var item in SplitList(value))
            {
                if (CheckString(items, item) is { } itemError)
                {
                    return $"unable to parse array element: {itemError}";
                }
            }
        }

        return null;
    }

    /// <summary>List strings (`scopes`, `acr-values`, `audiences`): split at `,`, `;` or ASCII whitespace, empties dropped.</summary>
    public static IReadOnlyList<string> SplitList(string value) =>
        value.Split([',', ';', ' ', '\t', '\n', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries);
}
