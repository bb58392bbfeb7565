using System.Net;
using System.Text.RegularExpressions;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>A study with 120 sessions: the researcher pages through, sorts and filters its tables.</summary>
public partial class PagedTablesTests : IAsyncLifetime
{
    private const string Experiment = "gallup-pen-keyboard";
    private readonly SelfRefFactory _factory = new();
    private List<string> _ids = [];

    public async Task InitializeAsync()
    {
        var sessions = _factory.Services.GetRequiredService<SessionService>();
        for (var i = 0; i < 120; i++)
            _ids.Add((await sessions.Start(Experiment, "en", new Dictionary<string, string>(), null)).Id);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [GeneratedRegex("<th scope=\"row\"><a href=\"/researcher/sessions/([^\"]+)\">")]
    private static partial Regex RowLink();

    private async Task<(string Page, List<string> Rows)> Sessions(string query)
    {
        var client = await _factory.LoggedIn();
        var response = await client.GetAsync($"/researcher/experiments/{Experiment}/sessions{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        return (page, RowLink().Matches(page).Select(m => m.Groups[1].Value).ToList());
    }

    [Fact]
    public async Task The_session_table_shows_fifty_sessions_a_page_and_page_two_the_next_fifty()
    {
        var byName = _ids.Order(StringComparer.Ordinal).ToList();
        var (first, firstRows) = await Sessions("?sort=participant");
        Assert.Equal(byName.Take(50), firstRows);
        Assert.Contains("1–50 of 120 sessions", first);
        Assert.Contains("aria-sort=\"ascending\"", first);
        var (second, secondRows) = await Sessions("?sort=participant&page=2");
        Assert.Equal(byName.Skip(50).Take(50), secondRows);
        Assert.Contains("51–100 of 120 sessions", second);
        Assert.Contains("href=\"/researcher/experiments/gallup-pen-keyboard/sessions?sort=participant&amp;page=3\"", second);
    }

    [Fact]
    public async Task Sorting_descending_turns_the_whole_table_around()
    {
        var (page, rows) = await Sessions("?sort=-participant&size=10");
        Assert.Equal(_ids.OrderDescending(StringComparer.Ordinal).Take(10), rows);
        Assert.Contains("aria-sort=\"descending\"", page);
    }

    [Fact]
    public async Task The_filter_finds_one_participant_among_120()
    {
        var wanted = _ids[77];
        var (page, rows) = await Sessions($"?filter={wanted}");
        Assert.Equal([wanted], rows);
        Assert.Contains("of 1 sessions matching (of 120)", page);
    }

    [Fact]
    public async Task The_outcome_table_links_keep_the_pilot_choice_and_the_sort()
    {
        var client = await _factory.LoggedIn();
        var page = await client.GetStringAsync($"/researcher/experiments/{Experiment}?includePilot=true&sort=-latency");
        Assert.Contains("aria-sort=\"descending\"><a href=\"/researcher/experiments/gallup-pen-keyboard?includePilot=true&amp;sort=latency\"", page);
        Assert.Contains("href=\"/researcher/experiments/gallup-pen-keyboard?includePilot=true&amp;sort=participant\"", page);
        Assert.Contains("<input type=\"hidden\" name=\"includePilot\" value=\"true\">", page);
    }
}
