using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>List endpoints (§2): paging, sorting and the SQLite-LIKE search.</summary>
internal static class PocketIdListing
{
    internal static (List<T> Page, JsonObject Pagination) Paginate<T>(IReadOnlyList<T> items, IQueryCollection query)
    {
        var limit = ParseInt(query["pagination[limit]"]) is { } l and not 0 ? Math.Clamp(l, 1, 100) : 20;
        var page = Math.Max(1, ParseInt(query["pagination[page]"]) ?? 1);
        var totalItems = items.Count;
        var totalPages = Math.Max(1, (totalItems + limit - 1) / limit);
        page = Math.Min(page, totalPages); // past the end → last page, never an empty page
        var slice = items.Skip((page - 1) * limit).Take(limit).ToList();
        return (slice, new JsonObject
        {
            ["totalPages"] = (long)totalPages,
            ["totalItems"] = (long)totalItems,
            ["currentPage"] = page,
            ["itemsPerPage"] = limit,
        });
    }

    internal static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A list endpoint's answer: `search` (matched by <paramref name="matches"/>), then `sort[…]`, then one page.</summary>
    internal static Task WriteListAsync<T>(PocketIdRequest r, IEnumerable<T> items, Func<T, string, bool> matches,
        IReadOnlyDictionary<string, Func<T, IComparable>> columns, Func<T, JsonNode> map)
    {
        var query = r.Http.Request.Query;
        var search = query["search"].ToString();
        var sorted = Sort(items.Where(i => search.Length == 0 || matches(i, search)), query, columns).ToList();
        return WritePage(r, sorted, map);
    }

    private static IEnumerable<T> Sort<T>(IEnumerable<T> items, IQueryCollection query, IReadOnlyDictionary<string, Func<T, IComparable>> columns)
    {
        var column = query["sort[column]"].ToString();
        if (!columns.TryGetValue(column, out var key))
        {
            return items; // unknown column silently ignored
        }

        return string.Equals(query["sort[direction]"], "desc", StringComparison.Ordinal)
            ? items.OrderByDescending(key)
            : items.OrderBy(key);
    }

    internal static bool Like(string? value, string term) =>
        value is not null && value.Contains(term, StringComparison.OrdinalIgnoreCase);

    private static Task WritePage<T>(PocketIdRequest r, IReadOnlyList<T> items, Func<T, JsonNode> map)
    {
        var (page, pagination) = Paginate(items, r.Http.Request.Query);
        return r.JsonAsync(200, new JsonObject
        {
            ["data"] = new JsonArray(page.Select(i => (JsonNode?)map(i)).ToArray()),
            ["pagination"] = pagination,
        });
    }
}
