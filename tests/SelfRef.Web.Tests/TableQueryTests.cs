using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

/// <summary>Long researcher tables are cut, sorted and filtered on the server from the query string.</summary>
public class TableQueryTests
{
    private sealed record Row(string Name, int Number, string Group);

    // 120 rows: r001…r120, numbers counting down, every third in group "b".
    private static readonly IReadOnlyList<Row> Rows = Enumerable.Range(1, 120).Select(i => new Row($"r{i:000}", 1000 - i, i % 3 == 0 ? "b" : "a")).ToList();

    private static readonly IReadOnlyList<TableColumn<Row>> Columns =
        [new("name", "Name", r => r.Name), new("number", "Number", r => r.Number), new("group", "Group", r => r.Group)];

    private static TableQuery Query(string query) => TableQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)), Columns.Select(c => c.Key));

    private static TablePage<Row> Page(string query) => Query(query).Apply(Rows, Columns, r => $"{r.Name} {r.Group}");

    [Fact]
    public void Without_parameters_the_first_fifty_rows_are_shown()
    {
        var page = Page("");
        Assert.Equal(Rows.Take(50), page.Rows);
        Assert.Equal((1, 50, 120, 3), (page.First, page.Last, page.Matching, page.Pages));
    }

    [Fact]
    public void Page_two_holds_rows_51_to_100()
    {
        var page = Page("?page=2");
        Assert.Equal(Rows.Skip(50).Take(50).Select(r => r.Name), page.Rows.Select(r => r.Name));
        Assert.Equal((51, 100), (page.First, page.Last));
    }

    [Fact]
    public void The_last_page_holds_what_is_left_and_a_page_past_the_end_shows_the_last()
    {
        Assert.Equal(["r101", "r120"], new[] { Page("?page=3").Rows[0].Name, Page("?page=3").Rows[^1].Name });
        Assert.Equal(3, Page("?page=99").Query.Page);
        Assert.Equal(20, Page("?page=99").Rows.Count);
    }

    [Fact]
    public void Sorting_by_a_column_orders_every_row_before_the_page_is_cut()
    {
        var ascending = Page("?sort=number&size=10");
        Assert.Equal(Rows.OrderBy(r => r.Number).Take(10), ascending.Rows);
        Assert.Equal("r120", ascending.Rows[0].Name);
        var descending = Page("?sort=-name&page=2&size=10");
        Assert.Equal(Rows.OrderByDescending(r => r.Name, StringComparer.Ordinal).Skip(10).Take(10), descending.Rows);
        Assert.Equal(("descending", null), (descending.Query.AriaSort("name"), descending.Query.AriaSort("number")));
    }

    [Fact]
    public void The_filter_keeps_rows_containing_the_text_whatever_its_case()
    {
        var page = Page("?filter=%20B%20&size=500");
        Assert.Equal(40, page.Matching);
        Assert.Equal(120, page.Total);
        Assert.All(page.Rows, r => Assert.Equal("b", r.Group));
        Assert.Equal(Enumerable.Range(110, 10).Select(i => $"r{i}"), Page("?filter=R11").Rows.Select(r => r.Name));
    }

    [Theory]
    [InlineData("?page=0", 1, TableQuery.DefaultSize)]
    [InlineData("?page=-3&size=0", 1, TableQuery.DefaultSize)]
    [InlineData("?page=x&size=100000", 1, TableQuery.DefaultSize)]
    [InlineData("?page=2&size=25", 2, 25)]
    public void Numbers_out_of_range_fall_back_to_the_first_page_and_the_default_size(string query, int page, int size) =>
        Assert.Equal((page, size), (Query(query).Page, Query(query).Size));

    [Fact]
    public void An_unknown_sort_column_sorts_nothing() => Assert.Equal(Rows.Take(50), Page("?sort=password").Rows);

    [Fact]
    public void Links_keep_the_other_parameters_of_the_page()
    {
        var query = Query("?includePilot=true&sort=-number&filter=b&size=20&page=2");
        Assert.Equal("/t?includePilot=true&sort=-number&filter=b&size=20&page=3", query.Link("/t", page: 3));
        Assert.Equal("/t?includePilot=true&sort=-number&filter=b&size=20", query.Link("/t", page: 1));
        // A new sort starts again at page 1; sorting by the column already ascending turns it around.
        Assert.Equal("/t?includePilot=true&sort=name&filter=b&size=20", query.SortLink("/t", "name"));
        Assert.Equal("/t?includePilot=true&sort=-name&filter=b&size=20", Query("?includePilot=true&sort=name&filter=b&size=20").SortLink("/t", "name"));
        Assert.Equal("/t?includePilot=true&sort=number&filter=b&size=20", query.SortLink("/t", "number"));
    }
}
