using System.Net;
using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public class ExperimentStatusTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetRequiredService<SessionService>();

    private static FormUrlEncodedContent Form(string status, string? antiforgery) => new(new Dictionary<string, string>
    {
        ["status"] = status,
        ["__RequestVerificationToken"] = antiforgery ?? "",
    }.Where(f => f.Key != "__RequestVerificationToken" || antiforgery is not null));

    /// <summary>Presses a status button on the dashboard, as the researcher's browser does (and follows the redirect back).</summary>
    private async Task<HttpResponseMessage> SetStatus(string experiment, string status)
    {
        var client = await _factory.LoggedIn();
        var dashboard = await client.GetStringAsync("/researcher");
        var form = System.Text.RegularExpressions.Regex.Match(dashboard, $"<form method=\"post\" action=\"/researcher/experiments/{experiment}/status\".*?</form>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.False(string.IsNullOrEmpty(Researchers.Antiforgery(form)), "the status form carries no anti-forgery token");
        return await client.PostAsync($"/researcher/experiments/{experiment}/status", Form(status, Researchers.Antiforgery(form)));
    }

    private async Task<(HttpStatusCode Status, string Page)> Visit(string experiment, string language)
    {
        var response = await _factory.Browser().GetAsync($"/s/{experiment}?lang={language}");
        // As the participant reads it (the page writes umlauts as character references).
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task An_anonymous_visitor_cannot_change_the_status()
    {
        var response = await _factory.Browser().PostAsync("/researcher/experiments/gallup-pen/status", Form("closed", null));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/researcher/login", response.Headers.Location!.ToString());
        Assert.Equal(ExperimentStatus.Open, Sessions.Status("gallup-pen"));
    }

    [Fact]
    public async Task A_status_change_without_the_anti_forgery_token_is_refused()
    {
        var client = await _factory.LoggedIn();
        var response = await client.PostAsync("/researcher/experiments/gallup-pen/status", Form("closed", null));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ExperimentStatus.Open, Sessions.Status("gallup-pen"));
    }

    [Fact]
    public async Task An_unknown_status_is_refused_by_name()
    {
        var response = await SetStatus("gallup-pen", "sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("status must be open, paused or closed, not 'sleeping'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_closed_experiment_thanks_new_arrivals_in_their_language_and_starts_no_session()
    {
        var back = await SetStatus("gallup-map", "closed");
        Assert.Equal("/researcher", back.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("data-field=\"status\">closed<", await back.Content.ReadAsStringAsync());
        Assert.Equal(ExperimentStatus.Closed, Sessions.Status("gallup-map"));
        Assert.Equal("researcher", _factory.Store.ExperimentStates().Single(s => s.Id == "gallup-map").ChangedBy);

        var (status, page) = await Visit("gallup-map", "en");
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("<html lang=\"en\">", page);
        Assert.Contains("This study is no longer taking participants.", page);
        (status, page) = await Visit("gallup-map", "de");
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("Diese Studie nimmt keine Teilnehmenden mehr auf.", page);
        Assert.Empty(_factory.Store.SessionsOf("gallup-map"));

        await SetStatus("gallup-map", "open");
        await _factory.Start("gallup-map");
    }

    [Fact]
    public async Task A_paused_experiment_asks_new_arrivals_to_come_back_later()
    {
        await SetStatus("gallup-pen", "paused");
        var (status, page) = await Visit("gallup-pen", "en");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("Please come back later", page);
        (status, page) = await Visit("gallup-pen", "de");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("Bitte versuchen Sie es später noch einmal", page);
        Assert.Empty(_factory.Store.SessionsOf("gallup-pen"));
    }

    [Fact]
    public async Task A_session_started_before_the_experiment_closed_can_finish()
    {
        var token = await _factory.Start("gallup-pen-keyboard");
        await _factory.Advance(token, "consent");
        await SetStatus("gallup-pen-keyboard", "closed");

        // The same browser coming back through the link resumes its session.
        var again = new HttpRequestMessage(HttpMethod.Get, "/s/gallup-pen-keyboard");
        again.Headers.Add("Cookie", $"selfref.gallup-pen-keyboard={token}");
        var resumed = await _factory.Browser().SendAsync(again);
        Assert.Equal($"/p/{token}", resumed.Headers.Location!.OriginalString);

        foreach (var step in new[] { "intro", "pen" }) Assert.Equal(HttpStatusCode.OK, (await _factory.Advance(token, step)).Status);
        var (status, body) = await _factory.Advance(token, "about-you", new { firstName = "Ada", surname = "Lovelace", age = 36, handedness = "right" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(SessionStatus.Completed, Sessions.Find(token)!.Status);
        Assert.Equal("debrief", body.GetProperty("step").GetProperty("id").GetString());
    }
}

/// <summary>An experiment whose target sample size is 2, in a folder of its own.</summary>
public class FullExperimentTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("selfref-full-");
    private readonly SelfRefFactory _factory;

    public FullExperimentTests()
    {
        var experiment = JsonNode.Parse(File.ReadAllText(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments", "gallup-pen-keyboard.json")))!;
        experiment["targetSampleSize"] = 2;
        File.WriteAllText(Path.Combine(_folder.FullName, "gallup-pen-keyboard.json"), experiment.ToJsonString());
        _factory = new SelfRefFactory(experimentsFolder: _folder.FullName);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_full_experiment_thanks_new_arrivals_until_a_drop_out_frees_a_place()
    {
        var first = await _factory.Start("gallup-pen-keyboard");
        await _factory.Start("gallup-pen-keyboard");

        foreach (var (language, text) in new[] { ("en", "already has all the participants it needs"), ("de", "hat bereits alle Teilnehmenden") })
        {
            var response = await _factory.Browser().GetAsync($"/s/gallup-pen-keyboard?lang={language}");
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains(text, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        Assert.Equal(2, _factory.Store.SessionsOf("gallup-pen-keyboard").Count);
        var researcher = await _factory.LoggedIn();
        Assert.Contains("data-field=\"status\">full<", await researcher.GetStringAsync("/researcher"));

        await _factory.Browser().PostAsync($"/api/p/{first}/decline", null);
        await _factory.Start("gallup-pen-keyboard");
    }
}
