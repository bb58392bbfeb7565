using System.Net;
using System.Text.Json;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public class ParticipantFlowTests : IAsyncLifetime
{
    // 500 arrivals come from this one test client: the start limit per address (SessionStartLimitTests) is off here.
    private readonly SelfRefFactory _factory = new() { Settings = { ["SelfRef:StartsPerAddress"] = "0" } };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetService<SessionService>()!;

    [Fact]
    public async Task The_participant_link_records_recruitment_parameters_and_sets_a_resume_cookie()
    {
        var response = await _factory.Browser().GetAsync("/s/gallup-replication?PROLIFIC_PID=5f1a2b&STUDY_ID=st9&SESSION_ID=se3&ref=newsletter");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var token = response.Headers.Location!.OriginalString["/p/".Length..];
        var session = Sessions.Find(token)!;
        Assert.Equal(new Dictionary<string, string> { ["PROLIFIC_PID"] = "5f1a2b", ["STUDY_ID"] = "st9", ["SESSION_ID"] = "se3" }, session.Recruitment);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains($"selfref.gallup-replication={token}", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());

        var again = new HttpRequestMessage(HttpMethod.Get, "/s/gallup-replication");
        again.Headers.Add("Cookie", $"selfref.gallup-replication={token}");
        var resumed = await _factory.Browser().SendAsync(again);
        Assert.Equal($"/p/{token}", resumed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_unknown_experiment_gets_a_polite_page_in_the_browser_language()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/s/no-such-study");
        request.Headers.Add("Accept-Language", "de-DE,de;q=0.9");
        var response = await _factory.Browser().SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Studie nicht gefunden", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_language_comes_from_the_browser_and_can_be_switched()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/s/gallup-pen");
        request.Headers.Add("Accept-Language", "de-AT,de;q=0.9,en;q=0.5");
        var token = (await _factory.Browser().SendAsync(request)).Headers.Location!.OriginalString["/p/".Length..];
        var state = await _factory.State(token);
        Assert.Equal("de", state.GetProperty("language").GetString());
        Assert.Equal("Einwilligung", state.GetProperty("step").GetProperty("title").GetString());
        Assert.Equal("Ich bin einverstanden und nehme teil", state.GetProperty("ui").GetProperty("button.agree").GetString());

        var english = await _factory.State(token, "?lang=en");
        Assert.Equal("Consent", english.GetProperty("step").GetProperty("title").GetString());
        Assert.Equal("I agree and take part", english.GetProperty("ui").GetProperty("button.agree").GetString());
        Assert.Equal("en", (await _factory.State(token)).GetProperty("language").GetString());
    }

    [Fact]
    public async Task A_participant_walks_to_the_debrief_and_a_reload_anywhere_resumes_there()
    {
        var token = await _factory.Start("gallup-pen", "?lang=en");
        foreach (var step in new[] { "consent", "intro" })
        {
            var (status, body) = await _factory.Advance(token, step);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(body.GetProperty("step").GetProperty("id").GetString(), (await _factory.State(token)).GetProperty("step").GetProperty("id").GetString());
        }
        var pen = await _factory.State(token);
        Assert.Equal("pen", pen.GetProperty("step").GetProperty("type").GetString());
        Assert.Equal("Try the pen.", pen.GetProperty("step").GetProperty("instruction").GetString());
        Assert.Equal(1000, pen.GetProperty("step").GetProperty("parameters").GetProperty("firstWordGapMs").GetInt32());
        await _factory.Advance(token, "pen");

        var (refused, problems) = await _factory.Advance(token, "about-you", new { firstName = "Anna", age = "12" });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        var codes = problems.GetProperty("problems").EnumerateArray().ToDictionary(p => p.GetProperty("question").GetString()!, p => p.GetProperty("message").GetString());
        Assert.Equal("Please answer this question.", codes["surname"]);
        Assert.Equal("Please enter a number in the allowed range.", codes["age"]);
        Assert.Equal("about-you", (await _factory.State(token)).GetProperty("step").GetProperty("id").GetString());

        var (ok, debrief) = await _factory.Advance(token, "about-you", new { firstName = "Anna", surname = "Müller", age = 31, handedness = "left" });
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("completed", debrief.GetProperty("status").GetString());
        var code = debrief.GetProperty("completion").GetProperty("code").GetString();
        Assert.Matches("^[0-9A-Z]{8}$", code);
        Assert.Equal(code, (await _factory.State(token)).GetProperty("completion").GetProperty("code").GetString());
        var stored = Sessions.Find(token)!;
        Assert.Equal("31", stored.Answers["about-you.age"]);
        Assert.Equal(SessionStatus.Completed, stored.Status);
    }

    [Fact]
    public async Task The_redirect_carries_the_completion_code()
    {
        var token = await _factory.Start("gallup-replication", "?PROLIFIC_PID=abc");
        var session = Sessions.Find(token)!;
        foreach (var step in session.Steps.Take(4)) await _factory.Advance(token, step);
        var (_, debrief) = await _factory.Advance(token, "about-you", new { firstName = "A", surname = "B", hometown = "Köln", age = "30" });
        var completion = debrief.GetProperty("completion");
        Assert.Equal($"https://app.prolific.com/submissions/complete?cc={completion.GetProperty("code").GetString()}", completion.GetProperty("redirectUrl").GetString());
    }

    [Fact]
    public async Task Declining_ends_the_session_politely()
    {
        var token = await _factory.Start("gallup-pen", "?PROLIFIC_PID=abc");
        var response = await _factory.Browser().PostAsync($"/api/p/{token}/decline", null);
        var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("declined", state.GetProperty("status").GetString());
        Assert.False(state.TryGetProperty("completion", out _));
        var (status, _) = await _factory.Advance(token, "consent");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(Sessions.Find(token)!.Recruitment);
    }

    [Fact]
    public async Task An_unknown_token_reaches_nothing()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _factory.Browser().GetAsync("/api/p/not-a-token")).StatusCode);
        var (status, _) = await _factory.Advance("not-a-token", "consent");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Conditions_stay_balanced_up_to_the_target_of_500_sessions_and_the_next_arrival_finds_the_study_full()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 500; i++) tokens.Add(await _factory.Start("gallup-replication"));
        var conditions = tokens.Select(t => Sessions.Find(t)!.ConditionId).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(250, conditions["pen-first"]);
        Assert.Equal(250, conditions["map-first"]);
        Assert.Equal(500, tokens.Distinct().Count());
        Assert.Equal(HttpStatusCode.Gone, (await _factory.Browser().GetAsync("/s/gallup-replication")).StatusCode);
    }

    [Fact]
    public async Task Health_is_reported()
    {
        var health = JsonDocument.Parse(await _factory.Browser().GetStringAsync("/healthz")).RootElement;
        Assert.Equal("ok", health.GetProperty("status").GetString());
        // Every shipped experiment file is served.
        Assert.Equal(Directory.GetFiles(_factory.ExperimentsFolder, "*.json").Count(f => !f.EndsWith(".schema.json")),
            health.GetProperty("experiments").GetInt32());
    }
}

public class SecurityHeaderTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("/researcher/login")]
    [InlineData("/s/gallup-pen")]
    [InlineData("/js/participant.js")]
    [InlineData("/lib/participant/participant.js")]
    [InlineData("/lib/outlines/countries-detail.json")]
    public async Task Every_answer_forbids_inline_script_foreign_framing_and_sniffing(string path)
    {
        var response = await _factory.Browser().GetAsync(path);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("require-corp", response.Headers.GetValues("Cross-Origin-Embedder-Policy").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
    }
}
