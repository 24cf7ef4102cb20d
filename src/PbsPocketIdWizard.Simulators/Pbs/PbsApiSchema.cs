using System.Text.Json;
using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>How a method's caller is authorised, as the api-viewer `permissions` object says (pbs-api.md §2.4).</summary>
internal abstract record PbsPermission
{
    internal sealed record World : PbsPermission;

    internal sealed record AnyAuthenticated : PbsPermission;

    /// <summary>No `permissions` key: the router default, superuser (root@pam) only (pbs-api.md §8 `GET /nodes`).</summary>
    internal sealed record Superuser : PbsPermission;

    internal sealed record Privileges(string Path, IReadOnlyList<string> Privs, bool Partial) : PbsPermission;

    internal sealed record UserParam(string Name) : PbsPermission;

    internal sealed record Or(IReadOnlyList<PbsPermission> Alternatives) : PbsPermission;

    public static PbsPermission Parse(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return new Superuser();
        }

        if (e.TryGetProperty("user", out var user))
        {
            return user.GetString() == "world" ? new World() : new AnyAuthenticated();
        }

        if (e.TryGetProperty("check", out var check))
        {
            var path = "/" + string.Join('/', check.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
            var privs = check.GetProperty("privs").EnumerateArray().Select(p => p.GetString()!).ToList();
            var partial = check.TryGetProperty("partial", out var p) && p.ValueKind == JsonValueKind.True;
            return new Privileges(path, privs, partial);
        }

        if (e.TryGetProperty("userParam", out var userParam))
        {
            return new UserParam(userParam.GetString()!);
        }

        if (e.TryGetProperty("or", out var or))
        {
            return new Or(or.EnumerateArray().Select(x => Parse(x)).ToList());
        }

        return new Superuser();
    }
}

/// <summary>One parameter of a method (a proxmox-schema simple type).</summary>
internal sealed class PbsParamSchema
{
    public required string Name { get; init; }

    /// <summary>string | boolean | integer | array.</summary>
    public required string Type { get; init; }

    public bool Optional { get; init; }

    public Regex? Pattern { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    public long? Minimum { get; init; }

    public long? Maximum { get; init; }

    public IReadOnlyList<string>? Enum { get; init; }

    /// <summary>For `array`: the item schema.</summary>
    public PbsParamSchema? Items { get; init; }

    /// <summary>For list strings such as `scopes` (pbs-api.md §1): the item schema of the property-string array.</summary>
    public PbsParamSchema? ListItems { get; init; }

    public static PbsParamSchema Parse(string name, JsonElement e)
    {
        var type = e.TryGetProperty("type", out var t) ? t.GetString() ?? "string" : "string";
        PbsParamSchema? items = null;
        PbsParamSchema? listItems = null;
        if (e.TryGetProperty("items", out var it))
        {
            items = Parse(name, it);
        }

        if (e.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object
            && format.TryGetProperty("type", out var ft) && ft.GetString() == "array" && format.TryGetProperty("items", out var fi))
        {
            listItems = Parse(name, fi);
        }

        return new PbsParamSchema
        {
            Name = name,
            Type = type,
            Optional = e.TryGetProperty("optional", out var o) && o.ValueKind == JsonValueKind.Number && o.GetInt32() == 1,
            Pattern = e.TryGetProperty("pattern", out var p) ? ToRegex(p.GetString()!) : null,
            MinLength = e.TryGetProperty("minLength", out var min) ? min.GetInt32() : null,
            MaxLength = e.TryGetProperty("maxLength", out var max) ? max.GetInt32() : null,
            Minimum = e.TryGetProperty("minimum", out var mi) ? mi.GetInt64() : null,
            Maximum = e.TryGetProperty("maximum", out var ma) ? ma.GetInt64() : null,
            Enum = e.TryGetProperty("enum", out var en) ? en.EnumerateArray().Select(x => x.GetString()!).ToList() : null,
            Items = items,
            ListItems = listItems,
        };
    }

    /// <summary>Rust regex → .NET: POSIX classes spelled out, `$` anchored at the true end (no trailing-newline match).</summary>
    internal static Regex ToRegex(string pattern)
    {
        var body = pattern.StartsWith('/') && pattern.EndsWith('/') ? pattern[1..^1] : pattern;
        body = body.Replace("[[:^cntrl:]]", @"[^\x00-\x1F\x7F]", StringComparison.Ordinal)
            .Replace("[:cntrl:]", @"\x00-\x1F\x7F", StringComparison.Ordinal);
        if (body.EndsWith('$'))
        {
            body = body[..^1] + @"\z";
        }

        return new Regex(body, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

internal sealed record PbsMethodSchema(
    string PathTemplate, string Method, IReadOnlyDictionary<string, PbsParamSchema> Parameters, PbsPermission Permission);

/// <summary>The embedded PBS 4.2 schema subset, trimmed to what the configured version has (pbs-api.md §0 history).</summary>
internal sealed class PbsApiSchema
{
    private readonly Dictionary<string, Dictionary<string, PbsMethodSchema>> _paths = new(StringComparer.Ordinal);

    public PbsApiSchema(Version version)
    {
        using var stream = typeof(PbsApiSchema).Assembly.GetManifestResourceStream("PbsApiSchema.json")
            ?? throw new InvalidOperationException("embedded PBS schema missing");
        using var doc = JsonDocument.Parse(stream);
        var hasDefaultFlag = version >= new Version(3, 3, 7);
        var hasAudiences = version >= new Version(4, 2, 1);
        var hasHttpOnly = version >= new Version(4, 0, 12);
        var roles = PbsRoles.ForVersion(version).Select(r => r.RoleId).ToList();
        foreach (var path in doc.RootElement.EnumerateObject())
        {
            if (!hasDefaultFlag && path.Name is "/config/access/pam" or "/config/access/pbs")
            {
                continue;
            }

            var methods = new Dictionary<string, PbsMethodSchema>(StringComparer.Ordinal);
            foreach (var method in path.Value.EnumerateObject())
            {
                var parameters = new Dictionary<string, PbsParamSchema>(StringComparer.Ordinal);
                if (method.Value.TryGetProperty("parameters", out var ps) && ps.TryGetProperty("properties", out var props))
                {
                    foreach (var prop in props.EnumerateObject())
                    {
                        if ((!hasDefaultFlag && prop.Name == "default") || (!hasAudiences && prop.Name == "audiences")
                            || (!hasHttpOnly && prop.Name == "http-only"))
                        {
                            continue;
                        }

                        var schema = PbsParamSchema.Parse(prop.Name, prop.Value);
                        if (prop.Name == "delete" && schema.Items?.Enum is { } values)
                        {
                            var kept = values.Where(v => (hasDefaultFlag || v != "default") && (hasAudiences || v != "audiences")).ToList();
                            schema = new PbsParamSchema
                            {
                                Name = schema.Name, Type = schema.Type, Optional = schema.Optional,
                                Items = new PbsParamSchema { Name = schema.Name, Type = "string", Enum = kept },
                            };
                        }

                        if (prop.Name == "role" && schema.Enum is not null)
                        {
                            schema = new PbsParamSchema { Name = schema.Name, Type = schema.Type, Optional = schema.Optional, Enum = roles };
                        }

                        parameters[prop.Name] = schema;
                    }
                }

                JsonElement? permissions = method.Value.TryGetProperty("permissions", out var perm) ? perm : null;
                methods[method.Name] = new PbsMethodSchema(path.Name, method.Name, parameters, PbsPermission.Parse(permissions));
            }

            _paths[path.Name] = methods;
        }
    }

    public IEnumerable<string> Templates => _paths.Keys;

    public IReadOnlyDictionary<string, PbsMethodSchema>? Methods(string template) => _paths.GetValueOrDefault(template);

    /// <summary>Finds the template for a concrete API path; literal segments win over `{var}` segments.</summary>
    public (string Template, Dictionary<string, string> PathParams)? Match(string[] segments)
    {
        (string, Dictionary<string, string>)? best = null;
        var bestLiterals = -1;
        foreach (var template in _paths.Keys)
        {
            var parts = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != segments.Length)
            {
                continue;
            }

            var vars = new Dictionary<string, string>(StringComparer.Ordinal);
            var literals = 0;
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++)
            {
                if (parts[i].StartsWith('{'))
                {
                    vars[parts[i][1..^1]] = segments[i];
                }
                else if (parts[i] == segments[i])
                {
                    literals++;
                }
                else
                {
                    ok = false;
                }
            }

            if (ok && literals > bestLiterals)
            {
                best = (template, vars);
                bestLiterals = literals;
            }
        }

        return best;
    }

    /// <summary>Sub-directory names below a concrete path, for the directory index answers (pbs-api.md §1).</summary>
    public IReadOnlyList<string> Subdirs(string[] segments)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var template in _paths.Keys)
        {
            var parts = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length <= segments.Length)
            {
                continue;
            }

            var ok = true;
            for (var i = 0; i < segments.Length && ok; i++)
            {
                ok = parts[i].StartsWith('{') || parts[i] == segments[i];
            }

            if (ok && !parts[segments.Length].StartsWith('{'))
            {
                result.Add(parts[segments.Length]);
            }
        }

        return result.ToList();
    }
}
