using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>The dashboard lists many studies compactly: a search by id or title, a tag filter, and an archive hidden by default.</summary>
public partial class DashboardListTests : IAsyncLifetime
{
    private readonly ExperimentFolder _folder = new("gallup-pen", "gallup-map");
    private SelfRefFactory _factory = null!;

    public Task InitializeAsync()
    {
        var tagged = ExperimentFolder.Read("gallup-pen-keyboard");
        tagged["tags"] = new JsonArray("pilot", "lab-2026");
        _folder.Write("gallup-pen-keyboard", tagged);
        _factory = new SelfRefFactory(experimentsFolder: _folder.Path);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _folder.Dispose();
    }

    [GeneratedRegex("<section class=\"experiment-card[^\"]*\" id=\"experiment-([^\"]+)\"")]
    private static partial Regex Card();

    private async Task<List<string>> Listed(HttpClient client, string query = "") =>
        Card().Matches(await client.GetStringAsync("/researcher" + query)).Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public async Task The_search_finds_studies_by_id_or_title()
    {
        var client = await _factory.LoggedIn();
        Assert.Equal(["gallup-map", "gallup-pen", "gallup-pen-keyboard"], await Listed(client));
        Assert.Equal(["gallup-pen", "gallup-pen-keyboard"], await Listed(client, "?q=PEN"));
        // The title in the study's first language, as the dashboard shows it.
        var map = _factory.Services.GetRequiredService<SessionService>().Experiment("gallup-map")!;
        var mapTitle = map.Title.In(map.Languages[0]);
        Assert.Equal(["gallup-map"], await Listed(client, "?q=" + Uri.EscapeDataString(mapTitle)));
        Assert.Empty(await Listed(client, "?q=no-such-study"));
    }

    [Fact]
    public async Task A_tag_from_the_experiment_file_filters_the_list()
    {
        var client = await _factory.LoggedIn();
        var page = await client.GetStringAsync("/researcher");
        Assert.Contains("<option value=\"lab-2026\">lab-2026</option>", page);
        Assert.Equal(["gallup-pen-keyboard"], await Listed(client, "?tag=pilot"));
        Assert.Equal(["gallup-pen-keyboard"], await Listed(client, "?tag=LAB-2026"));
    }

    [Fact]
    public async Task An_archived_study_is_hidden_until_the_toggle_shows_it()
    {
        var client = await _factory.LoggedIn();
        var dashboard = await client.GetStringAsync("/researcher");
        var form = Regex.Match(dashboard, "<form method=\"post\" action=\"/researcher\\?handler=Archive\"[^>]*>\\s*<input type=\"hidden\" name=\"study\" value=\"gallup-map\">.*?</form>", RegexOptions.Singleline).Value;
        var antiforgery = Researchers.Antiforgery(form);
        Assert.False(string.IsNullOrEmpty(antiforgery), "the archive form carries no anti-forgery token");
        var response = await client.PostAsync("/researcher?handler=Archive", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["study"] = "gallup-map", ["archive"] = "true", ["__RequestVerificationToken"] = antiforgery,
        }));
        // The client follows the redirect back to the dashboard.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/researcher", response.RequestMessage!.RequestUri!.AbsolutePath);

        Assert.Equal(["gallup-pen", "gallup-pen-keyboard"], await Listed(client));
        Assert.Contains("1 archived hidden", await client.GetStringAsync("/researcher"));
        Assert.Equal(["gallup-map", "gallup-pen", "gallup-pen-keyboard"], await Listed(client, "?archived=true"));
        // Archiving hides the study from the researcher, not from participants.
        Assert.False(string.IsNullOrEmpty(await _factory.Start("gallup-map")), "an archived study turned a participant away");

        var state = _factory.Store.ExperimentStates().Single(s => s.Id == "gallup-map");
        Assert.True(state.Archived);
        Assert.Equal("researcher", state.ChangedBy);
        var sessions = _factory.Services.GetRequiredService<SessionService>();
        await sessions.SetStatus("gallup-map", ExperimentStatus.Paused, "researcher");
        Assert.True(_factory.Store.ExperimentStates().Single(s => s.Id == "gallup-map").Archived, "changing the status brought the study back from the archive");

        await sessions.SetArchived("gallup-map", false, "researcher");
        Assert.Equal(["gallup-map", "gallup-pen", "gallup-pen-keyboard"], await Listed(client));
    }

    [Fact]
    public async Task The_archive_survives_a_restart()
    {
        await _factory.Services.GetRequiredService<SessionService>().SetArchived("gallup-pen", true, "researcher");
        var database = _factory.DatabasePath;
        await _factory.StopAsync();
        await using var again = new SelfRefFactory(databasePath: database, experimentsFolder: _folder.Path);
        Assert.True(again.Services.GetRequiredService<SessionService>().IsArchived("gallup-pen"));
        Assert.Equal(["gallup-map", "gallup-pen-keyboard"], await Listed(await again.LoggedIn()));
    }
}
