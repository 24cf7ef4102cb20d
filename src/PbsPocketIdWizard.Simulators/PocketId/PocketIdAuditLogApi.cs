using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdListing;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>
/// The audit log (backend/internal/controller/audit_log_controller.go, unchanged from v1.0 to v2.14): the admin's
/// `GET /api/audit-logs/all` with `filters[…]`, the user's own `GET /api/audit-logs`, and the two filter lists.
/// </summary>
internal static class PocketIdAuditLogApi
{
    private static readonly Dictionary<string, Func<SimAuditLogEntry, IComparable>> Columns = new(StringComparer.Ordinal)
    {
        ["createdAt"] = e => e.CreatedAt,
        ["event"] = e => e.Event,
        ["ipAddress"] = e => e.IpAddress ?? string.Empty,
        ["country"] = e => e.Country,
        ["city"] = _ => string.Empty,
        ["userAgent"] = e => e.UserAgent,
    };

    public static IEnumerable<PocketIdRoute> Routes()
    {
        yield return new("GET", "/api/audit-logs/all", PocketIdAccess.Admin, ListAll);
        yield return new("GET", "/api/audit-logs", PocketIdAccess.AnyUser, r => WriteListAsync(r,
            r.State.AuditLog.Entries.Where(e => e.UserId == r.User!.Id), (_, _) => true, Columns, e => Dto(r.State, e, withUsername: false)));
        yield return new("GET", "/api/audit-logs/filters/client-names", PocketIdAccess.Admin, r => r.JsonAsync(200, new JsonArray(
            r.State.AuditLog.Entries.Select(e => e.Data.GetValueOrDefault("clientName")).OfType<string>().Distinct(StringComparer.Ordinal)
                .Select(n => (JsonNode?)JsonValue.Create(n)).ToArray())));
        yield return new("GET", "/api/audit-logs/filters/users", PocketIdAccess.Admin, ListUsers);
    }

    /// <summary>
    /// Filters are `filters[field]` or `filters[field][n]`, several values OR-ed. `userID` and `event` are the model's
    /// filterable columns (the key's first letter is capitalised and must then match the Go field name exactly, so
    /// `filters[userId]` is silently ignored); `clientName` matches the event data; `location` is internal/external.
    /// </summary>
    private static Task ListAll(PocketIdRequest r)
    {
        var filters = ParseFilters(r);
        var entries = r.State.AuditLog.Entries.Where(e =>
            Allows(filters, "UserID", e.UserId) && Allows(filters, "Event", e.Event)
            && Allows(filters, "clientName", e.Data.GetValueOrDefault("clientName"))
            && AllowsLocation(filters, e.Country));
        return WriteListAsync(r, entries, (_, _) => true, Columns, e => Dto(r.State, e, withUsername: true));
    }

    private static Dictionary<string, List<string>> ParseFilters(PocketIdRequest r)
    {
        var filters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in r.Http.Request.Query)
        {
            if (!key.StartsWith("filters[", StringComparison.Ordinal) || key.IndexOf(']', StringComparison.Ordinal) is var end && end < 0)
            {
                continue;
            }

            var field = key["filters[".Length..end];
            var name = field is "clientName" or "location" ? field : PocketIdApiError.Capitalise(field);
            if (!filters.TryGetValue(name, out var list))
            {
                filters[name] = list = [];
            }

            list.AddRange(values.OfType<string>());
        }

        return filters;
    }

    private static bool Allows(Dictionary<string, List<string>> filters, string field, string? value) =>
        !filters.TryGetValue(field, out var wanted) || wanted.Count == 0 || (value is not null && wanted.Contains(value, StringComparer.Ordinal));

    private static bool AllowsLocation(Dictionary<string, List<string>> filters, string country)
    {
        var mapped = filters.GetValueOrDefault("location")?.Select(v => v switch
        {
            "internal" => PocketIdAuditLog.InternalNetwork,
            "external" => "External Network",
            _ => null,
        }).OfType<string>().ToList();
        return mapped is not { Count: > 0 } || mapped.Contains(country, StringComparer.Ordinal);
    }

    private static Task ListUsers(PocketIdRequest r)
    {
        var users = new JsonObject();
        foreach (var userId in r.State.AuditLog.Entries.Select(e => e.UserId).Distinct(StringComparer.Ordinal))
        {
            if (r.State.FindUser(userId) is { } user)
            {
                users[user.Id] = user.Username;
            }
        }

        return r.JsonAsync(200, users);
    }

    /// <summary>AuditLogDto: `username` only on the admin list; `actorUsername` from the data, "" when absent (a Go map).</summary>
    private static JsonObject Dto(PocketIdSimulatorState state, SimAuditLogEntry entry, bool withUsername)
    {
        var data = new JsonObject();
        foreach (var (key, value) in entry.Data)
        {
            data[key] = value;
        }

        return new JsonObject
        {
            ["id"] = entry.Id,
            ["createdAt"] = PocketIdDtos.Timestamp(entry.CreatedAt),
            ["event"] = entry.Event,
            ["ipAddress"] = entry.IpAddress ?? string.Empty,
            ["country"] = entry.Country,
            ["city"] = string.Empty,
            ["device"] = DeviceString(entry.UserAgent),
            ["userID"] = entry.UserId,
            ["username"] = withUsername ? state.FindUser(entry.UserId)?.Username ?? string.Empty : string.Empty,
            ["actorUsername"] = entry.Data.GetValueOrDefault("actorUsername") ?? string.Empty,
            ["data"] = data,
        };
    }

    /// <summary>"&lt;browser&gt; on &lt;OS&gt; &lt;version&gt;"; the simulator does not parse user agents, so only the raw product token stands in.</summary>
    private static string DeviceString(string userAgent)
    {
        var product = userAgent.Split(' ', 2)[0].Split('/')[0];
        return $"{product} on  ";
    }
}
