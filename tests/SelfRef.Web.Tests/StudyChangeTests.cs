using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>A running study's file changes under its sessions: every page, export and report of them keeps working.</summary>
public class StudyChangeTests
{
    /// <summary>gallup-replication as "study": two conditions, pen-first and map-first, both walking the map step.</summary>
    public static JsonObject Study()
    {
        var study = ExperimentFolder.Read("gallup-replication");
        study["id"] = "study";
        return study;
    }

    /// <summary>The study with the map-first condition and the map step removed (and its title reworded).</summary>
    public static JsonObject WithoutMap()
    {
        var study = Study();
        study["title"]!["en"] = "Pen only";
        var conditions = study["conditions"]!.AsArray();
        conditions.Remove(conditions.First(c => (string)c!["id"]! == "map-first"));
        var order = conditions[0]!["order"]!.AsArray();
        order.Remove(order.First(s => (string)s! == "map"));
        var steps = study["steps"]!.AsArray();
        steps.Remove(steps.First(s => (string)s!["id"]! == "map"));
        return study;
    }

    /// <summary>Walks a participant to the questionnaire's end: through both tasks (no events needed: their outcomes say "no action").</summary>
    public static async Task<string> Walk(SelfRefFactory server)
    {
        var token = await server.Start("study");
        await WalkOn(server, token);
        return token;
    }

    /// <summary>Walks a started participant on from where they are to the debrief.</summary>
    internal static async Task WalkOn(SelfRefFactory server, string token)
    {
        var state = await server.State(token);
        while (state.GetProperty("step").GetProperty("type").GetString() is var type && type != "debrief")
        {
            var step = state.GetProperty("step").GetProperty("id").GetString()!;
            object? answers = type == "questionnaire" ? new { firstName = "Ada", surname = "Lovelace", hometown = "Köln", age = "36" } : null;
            var (status, body) = await server.Advance(token, step, answers);
            Assert.True(status == HttpStatusCode.OK, $"advancing from {step} answered {(int)status}: {body}");
            state = body;
        }
    }

    private static string Pseudonym(SelfRefFactory server, string token) =>
        server.Services.GetRequiredService<SelfRef.Core.Sessions.SessionService>().Find(token)!.Id;

    [Fact]
    public async Task Removing_a_condition_and_its_step_keeps_every_page_export_and_report_of_its_sessions_working()
    {
        using var folder = new ExperimentFolder();
        folder.Write("study", Study());
        var first = new SelfRefFactory(experimentsFolder: folder.Path);
        try
        {
            // Balanced blocks of two: the first two participants are one in each condition.
            var tokens = new[] { await Walk(first), await Walk(first) };
            var pseudonyms = tokens.Select(t => Pseudonym(first, t)).ToList();
            var conditions = tokens.Select(t => first.Services.GetRequiredService<SelfRef.Core.Sessions.SessionService>().Find(t)!.ConditionId).Order().ToList();
            Assert.Equal(["map-first", "pen-first"], conditions);
            await first.StopAsync();

            folder.Write("study", WithoutMap());
            await using var second = new SelfRefFactory(first.DatabasePath, folder.Path);
            var client = await second.LoggedIn();
            foreach (var page in new[] { "/researcher", "/researcher/experiments/study", "/researcher/experiments/study/outcomes.csv",
                         "/researcher/experiments/study/live-report", "/researcher/experiments/study/report", "/researcher/experiments/study/export?format=csv" }
                         .Concat(pseudonyms.Select(p => $"/researcher/sessions/{p}")))
            {
                var response = await client.GetAsync(page);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}: {Regex.Replace(await response.Content.ReadAsStringAsync(), "\\s+", " ")[..Math.Min(300, (int)(response.Content.Headers.ContentLength ?? 300))]}");
            }

            // Both participants walked the map step: their map rows stay in the outcome table and the report.
            var csv = (await client.GetStringAsync("/researcher/experiments/study/outcomes.csv")).Split('\n');
            foreach (var pseudonym in pseudonyms)
                Assert.Contains(csv, line => line.StartsWith($"{pseudonym},study,map,", StringComparison.Ordinal));
            var session = await client.GetStringAsync($"/researcher/sessions/{pseudonyms[0]}");
            Assert.Contains("map", session);

            // The dashboard counts and places the map-first participant, whose condition the file no longer has.
            var dashboard = await client.GetStringAsync("/researcher");
            var card = Regex.Match(dashboard, "<section class=\"experiment-card\" id=\"experiment-study\".*?</section>", RegexOptions.Singleline).Value;
            Assert.Contains("data-count=\"started\">2<", card);
            Assert.Contains("data-cell=\"debrief|map-first\">0 / 1<", card);
            Assert.Contains("data-cell=\"map|pen-first\">0 / 1<", card);
        }
        finally { first.DeleteDatabase(); }
    }

    [Fact]
    public async Task A_broken_file_leaves_the_other_experiments_serving_and_names_its_error()
    {
        using var folder = new ExperimentFolder("gallup-pen");
        folder.Write("broken", """{ "id": "broken", "title": { "en": "Broken" }, "languages": ["en"], "steps": [ { "type": "pen", "id": "pen" } ] }""");
        await using var server = new SelfRefFactory(experimentsFolder: folder.Path);
        var token = await server.Start("gallup-pen");
        Assert.False(string.IsNullOrEmpty(token));
        var dashboard = WebUtility.HtmlDecode(await (await server.LoggedIn()).GetStringAsync("/researcher"));
        Assert.Contains("broken.json", dashboard);
        Assert.Contains("$.steps[id=pen]", dashboard);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Browser().GetAsync("/s/broken")).StatusCode);
    }

    [Fact]
    public async Task Active_now_counts_only_participants_seen_in_the_last_two_minutes()
    {
        var clock = new ManualClock();
        await using var server = new SelfRefFactory { Time = clock };
        var token = await server.Start("gallup-pen");
        await server.Advance(token, "consent");
        var client = await server.LoggedIn();
        int ActiveNow(string page) => int.Parse(Regex.Match(
            Regex.Match(page, "<section class=\"experiment-card\" id=\"experiment-gallup-pen\".*?</section>", RegexOptions.Singleline).Value,
            "<dt>Active now</dt><dd[^>]*>(\\d+)<").Groups[1].Value);
        Assert.Equal(1, ActiveNow(await client.GetStringAsync("/researcher")));

        // Ten minutes of silence: not abandoned yet (60 minutes), but nobody is there now.
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, ActiveNow(await client.GetStringAsync("/researcher")));
    }

    [Fact]
    public async Task The_preview_link_starts_a_pilot_in_the_chosen_condition_and_step_without_taking_a_slot()
    {
        await using var server = new SelfRefFactory();
        var client = await server.LoggedIn();
        var preview = new HttpRequestMessage(HttpMethod.Get, "/researcher/experiments/gallup-replication/preview?condition=map-first&lang=de&step=map");
        preview.Headers.Add("Cookie", await server.LoginCookie());
        var response = await server.Browser().SendAsync(preview);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/p/", location);
        var state = await server.State(location["/p/".Length..]);
        // map-first walks consent, intro, map: the map is its third step (pen-first has it fourth).
        Assert.Equal("map", state.GetProperty("step").GetProperty("id").GetString());
        Assert.Equal(2, state.GetProperty("step").GetProperty("index").GetInt32());
        Assert.Equal("de", state.GetProperty("language").GetString());
        var dashboard = await client.GetStringAsync("/researcher");
        var card = Regex.Match(dashboard, "<section class=\"experiment-card\" id=\"experiment-gallup-replication\".*?</section>", RegexOptions.Singleline).Value;
        Assert.Contains("data-count=\"started\">0<", card);
    }

    [Fact]
    public async Task A_file_deleted_while_serving_takes_no_new_participants_and_its_running_sessions_finish_and_stay_readable()
    {
        using var folder = new ExperimentFolder("gallup-pen");
        folder.Write("study", Study());
        await using var server = new SelfRefFactory(experimentsFolder: folder.Path);
        var token = await server.Start("study");
        Assert.Equal(HttpStatusCode.OK, (await server.Advance(token, "consent")).Status);

        File.Delete(folder.File("study"));
        var catalog = server.Services.GetRequiredService<SelfRef.Core.Experiments.ExperimentCatalog>();
        // The folder is watched; the limit only catches a watcher that never reads it.
        for (var checks = 0; catalog.Current("study") is not null; checks++)
        {
            Assert.True(checks < 1200, "the server never noticed that study.json was deleted");
            await Task.Delay(50);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await server.Browser().GetAsync("/s/study")).StatusCode);
        Assert.False(string.IsNullOrEmpty(await server.Start("gallup-pen")));

        // The participant who had started walks on to the end by the version they started on.
        await WalkOn(server, token);
        var pseudonym = Pseudonym(server, token);
        var client = await server.LoggedIn();
        foreach (var page in new[] { "/researcher", "/researcher/experiments/study", "/researcher/experiments/study/outcomes.csv", "/researcher/experiments/study/report",
                     "/researcher/experiments/study/export?format=csv", $"/researcher/sessions/{pseudonym}" })
        {
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}");
        }
        Assert.Contains(pseudonym, await client.GetStringAsync("/researcher/experiments/study/outcomes.csv"));
        // It cannot be previewed: no file defines it now.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/researcher/experiments/study/preview")).StatusCode);
    }
}
