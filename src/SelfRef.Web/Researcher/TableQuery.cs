using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace SelfRef.Web.Researcher;

/// <summary>A sortable column of a paged table: its key in the query string, its heading, and what it sorts by.</summary>
public sealed record TableColumn<T>(string Key, string Heading, Func<T, IComparable?> By);

/// <summary>One page of a table's rows, with how many rows matched the filter in all.</summary>
public sealed record TablePage<T>(IReadOnlyList<T> Rows, int Matching, int Total, TableQuery Query)
{
    public int Pages => Math.Max(1, (Matching + Query.Size - 1) / Query.Size);
    public int First => Matching == 0 ? 0 : (Query.Page - 1) * Query.Size + 1;
    public int Last => (Query.Page - 1) * Query.Size + Rows.Count;
}

/// <summary>
/// How a researcher asked to see a long table, from the query string: <c>page</c> (from 1),
/// <c>size</c> (rows per page), <c>sort</c> (a column key; a leading '-' sorts descending) and
/// <c>filter</c> (text every shown row contains, case-blind). The server sorts, filters and cuts
/// the page, so a table of thousands of rows sends only the rows asked for. Links keep every
/// other parameter of the page (e.g. includePilot).
/// </summary>
public sealed record TableQuery(int Page, int Size, string? Sort, bool Descending, string Filter, IReadOnlyDictionary<string, string> Others)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;
    private static readonly string[] Own = ["page", "size", "sort", "filter"];

    /// <summary>The query of a request; numbers out of range fall back to the first page and the default size, an unknown sort to none.</summary>
    public static TableQuery Parse(IQueryCollection query, IEnumerable<string> sortKeys)
    {
        var page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p : 1;
        var size = int.TryParse(query["size"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= MaxSize ? s : DefaultSize;
        var sort = query["sort"].ToString();
        var descending = sort.StartsWith('-');
        var key = descending ? sort[1..] : sort;
        var known = sortKeys.Contains(key, StringComparer.Ordinal) ? key : null;
        var others = query.Where(q => !Own.Contains(q.Key, StringComparer.OrdinalIgnoreCase)).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        return new TableQuery(page, size, known, known is not null && descending, query["filter"].ToString().Trim(), others);
    }

    /// <summary>Filters, sorts (stable: rows that tie keep their order) and cuts one page; a page past the end shows the last page.</summary>
    public TablePage<T> Apply<T>(IReadOnlyList<T> rows, IReadOnlyList<TableColumn<T>> columns, Func<T, string> text)
    {
        IEnumerable<T> matching = Filter.Length == 0 ? rows : rows.Where(r => text(r).Contains(Filter, StringComparison.CurrentCultureIgnoreCase));
        if (columns.FirstOrDefault(c => c.Key == Sort) is { } column)
            matching = Descending ? matching.OrderByDescending(column.By, Comparer<IComparable?>.Default) : matching.OrderBy(column.By, Comparer<IComparable?>.Default);
        var all = matching.ToList();
        var pages = Math.Max(1, (all.Count + Size - 1) / Size);
        var shown = this with { Page = Math.Min(Page, pages) };
        return new TablePage<T>(all.Skip((shown.Page - 1) * Size).Take(Size).ToList(), all.Count, rows.Count, shown);
    }

    /// <summary>The link to the same table with some parameters changed; the others (and the page's own parameters) are kept.</summary>
    public string Link(string path, int? page = null, string? sort = null)
    {
        var values = new List<KeyValuePair<string, string?>>(Others.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)));
        var wantedSort = sort ?? SortValue;
        if (wantedSort is { Length: > 0 }) values.Add(new("sort", wantedSort));
        if (Filter.Length > 0) values.Add(new("filter", Filter));
        if (Size != DefaultSize) values.Add(new("size", Size.ToString(CultureInfo.InvariantCulture)));
        var wantedPage = page ?? (sort is null ? Page : 1);
        if (wantedPage > 1) values.Add(new("page", wantedPage.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString(path, values);
    }

    private string? SortValue => Sort is null ? null : (Descending ? "-" : "") + Sort;

    /// <summary>The link a column heading carries: sorts by it ascending, or descending when it already sorts ascending.</summary>
    public string SortLink(string path, string key) => Link(path, sort: Sort == key && !Descending ? "-" + key : key);

    /// <summary>The aria-sort value of a column heading: "ascending", "descending", or null when the table is not sorted by it.</summary>
    public string? AriaSort(string key) => Sort != key ? null : Descending ? "descending" : "ascending";
}
