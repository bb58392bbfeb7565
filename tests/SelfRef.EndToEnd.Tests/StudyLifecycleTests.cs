using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// A server reading an experiments folder of its own, which the tests edit while it serves, as a
/// researcher edits a running study's file: gallup-pen, and two copies of gallup-replication
/// (conditions pen-first and map-first) as "pilot-study" and "changing-study".
/// </summary>
public sealed class StudyFolderFixture : BrowserFixture, IDisposable
{
    public StudyFolderFixture() : this(new ExperimentFolder("gallup-pen")) { }

    private StudyFolderFixture(ExperimentFolder folder) : base(new SelfRefFactory(experimentsFolder: folder.Path))
    {
        Folder = folder;
        Folder.Write("pilot-study", Replication("pilot-study"));
        Folder.Write("changing-study", Replication("changing-study"));
    }

    public ExperimentFolder Folder { get; }

    public ExperimentCatalog Catalog => Server.Services.GetRequiredService<ExperimentCatalog>();

    /// <summary>gallup-replication under another id.</summary>
    public static JsonObject Replication(string id)
    {
        var study = ExperimentFolder.Read("gallup-replication");
        study["id"] = id;
        return study;
    }

    /// <summary>Writes the file and waits until the server serves its content (the folder is watched; the limit only catches a watcher that never reads it).</summary>
    public async Task<ExperimentVersion> Change(string id, JsonObject experiment)
    {
        var hash = ExperimentVersion.HashOf(Folder.Write(id, experiment));
        await Until(() => Catalog.History(id)?.CurrentVersion?.Hash == hash, $"the server never served the new content of {id}.json");
        return Catalog.History(id)!.CurrentVersion!;
    }

    /// <summary>Waits until the condition holds (checked every 50 ms; fails after a minute, which only a hang reaches).</summary>
    public static async Task Until(Func<bool> condition, string failure)
    {
        for (var checks = 0; !condition(); checks++)
        {
            Assert.True(checks < 1200, failure);
            await Task.Delay(50);
        }
    }

    public void Dispose() => Folder.Dispose();
}

/// <summary>
/// A study's life in the browser: a pilot run from the preview link, a running study's file edited
/// under sessions of several versions, and a broken file added to the folder while serving.
/// </summary>
public class StudyLifecycleTests(StudyFolderFixture fixture) : IClassFixture<StudyFolderFixture>
{
    private static async Task DrawOnPen(IPage page)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Try the pen." })).ToBeVisibleAsync();
        var sheet = (await page.Locator("#pen-sheet").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(sheet.X + 40, sheet.Y + 60);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(sheet.X + 90, sheet.Y + 40, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
    }

    /// <summary>The replication's questionnaire (name, home town picked from the gazetteer, age), then the debrief.</summary>
    private static async Task AnswerAndFinish(IPage page)
    {
        await page.GetByLabel("Your first name").FillAsync("Ada");
        await page.GetByLabel("Your surname").FillAsync("Lovelace");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Your home town" }).PressSequentiallyAsync("Münch", new() { Delay = 60 });
        await page.GetByRole(AriaRole.Option, new() { Name = "München (Munich), Germany" }).ClickAsync();
        await page.GetByLabel("Your age in years").FillAsync("36");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        await page.AllSaved();
    }

    /// <summary>Rows of the experiment page's outcome table that name the participant.</summary>
    private static ILocator OutcomeRows(IPage page, string pseudonym) =>
        page.Locator("#outcome-table tbody tr").Filter(new() { HasText = pseudonym });

    [Fact]
    public async Task A_pilot_run_from_the_preview_link_walks_the_real_pages_and_stays_out_of_outcomes_report_and_export_unless_asked_for()
    {
        await using var context = await fixture.NewContext();
        var dashboard = await context.OpenDashboard();

        // The preview link, in the condition, language and step chosen: map-first walks consent, intro, map, pen, so the pen is step 4.
        var pilot = await context.NewPageAsync();
        await pilot.GotoAsync("/researcher/experiments/pilot-study/preview?condition=map-first&lang=en&step=pen");
        await Assertions.Expect(pilot.GetByText("Step 4 of 6")).ToBeVisibleAsync();
        await DrawOnPen(pilot);
        await AnswerAndFinish(pilot);
        var session = fixture.Session(pilot);
        Assert.True(session.Pilot, "a session started from the preview link is not marked as a pilot run");
        Assert.Equal("map-first", session.ConditionId);
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Equal(["pen", "about-you", "debrief"], session.Visits.Select(v => v.StepId));

        // The dashboard shows it as a pilot run, counted apart: no participant started.
        var card = dashboard.Locator("#experiment-pilot-study");
        await Assertions.Expect(card.Locator("[data-count=pilots]")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("[data-count=started]")).ToHaveTextAsync("0");
        await Assertions.Expect(card.Locator("[data-field=recent] li").Filter(new() { HasText = session.Id })).ToContainTextAsync("(pilot)");

        // The outcome table leaves it out, and shows it marked when asked.
        await dashboard.Open("/researcher/experiments/pilot-study");
        await Assertions.Expect(dashboard.GetByRole(AriaRole.Heading, new() { Name = "Pilot runs" })).ToBeVisibleAsync();
        Assert.Equal(0, await OutcomeRows(dashboard, session.Id).CountAsync());
        await dashboard.GetByRole(AriaRole.Link, new() { Name = "Show pilot runs in the table" }).ClickAsync();
        await Assertions.Expect(OutcomeRows(dashboard, session.Id).First).ToContainTextAsync("pilot run");
        Assert.DoesNotContain(session.Id, System.Text.Encoding.UTF8.GetString(await context.Fetch("/researcher/experiments/pilot-study/outcomes.csv")));
        Assert.Contains($"{session.Id},pilot-study,pen,", System.Text.Encoding.UTF8.GetString(await context.Fetch("/researcher/experiments/pilot-study/outcomes.csv?includePilot=true")));

        // The live report leaves it out; its checkbox takes it in, and the report says so.
        await dashboard.Open("/researcher/experiments/pilot-study/live-report");
        var report = dashboard.FrameLocator("#live-report");
        await Assertions.Expect(report.Locator("body")).ToContainTextAsync("Stift und Landkarte");
        await Assertions.Expect(report.Locator("body")).Not.ToContainTextAsync("pilot run(s) (researchers' previews) are included");
        await Assertions.Expect(report.Locator("body")).ToContainTextAsync("researchers' pilot runs are not counted");
        await dashboard.GetByLabel("Include pilot runs").CheckAsync();
        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Show the report" }).ClickAsync();
        await Assertions.Expect(report.Locator("body")).ToContainTextAsync("1 pilot run(s) (researchers' previews) are included, as asked for.");
        await dashboard.AssertNoSeriousAccessibilityProblem("live report with its pilot checkbox");

        // The export form: without its checkbox the files hold no trace of the pilot; with it, marked in the pilot column.
        await dashboard.Open("/researcher/experiments/pilot-study");
        var plain = await dashboard.RunAndWaitForDownloadAsync(() => dashboard.GetByRole(AriaRole.Button, new() { Name = "Download export" }).ClickAsync());
        var plainFiles = ResearcherPages.ZipTexts(await File.ReadAllBytesAsync((await plain.PathAsync())!));
        Assert.DoesNotContain(plainFiles, f => f.Value.Contains(session.Id));
        await dashboard.GetByLabel("Include pilot runs").CheckAsync();
        var withPilots = await dashboard.RunAndWaitForDownloadAsync(() => dashboard.GetByRole(AriaRole.Button, new() { Name = "Download export" }).ClickAsync());
        var pilotFiles = ResearcherPages.ZipTexts(await File.ReadAllBytesAsync((await withPilots.PathAsync())!));
        Assert.Contains(session.Id, pilotFiles["participants.csv"]);
        Assert.Contains(session.Id, pilotFiles["outcomes.csv"]);
    }

    [Fact]
    public async Task Editing_a_running_studys_file_twice_leaves_every_page_export_and_report_of_every_version_working()
    {
        const string id = "changing-study";
        var first = fixture.Catalog.History(id)!.CurrentVersion!;

        // Version 1: the first two participants, one in each condition (balanced blocks of two), reach their first task.
        await using var a = await fixture.NewContext();
        await using var b = await fixture.NewContext();
        var one = new[] { await a.OpenFirstTask(id), await b.OpenFirstTask(id) };
        var mapFirst = one.Single(p => fixture.Session(p).ConditionId == "map-first");
        var penFirst = one.Single(p => fixture.Session(p).ConditionId == "pen-first");
        // Tokens from the addresses now: a finished study's debrief goes on to the recruiter's page.
        var tokens = new List<string> { mapFirst.Token(), penFirst.Token() };
        await mapFirst.MapShown();
        await DrawOnPen(penFirst);
        await penFirst.MapShown();
        await penFirst.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await AnswerAndFinish(penFirst);

        // Version 2: the title reworded. A participant starts on it.
        var retitled = StudyFolderFixture.Replication(id);
        retitled["title"] = new JsonObject { ["de"] = "Stift und Karte", ["en"] = "Pen and map, reworded" };
        var second = await fixture.Change(id, retitled);
        Assert.NotEqual(first.Hash, second.Hash);
        await using var c = await fixture.NewContext();
        var onSecond = await c.OpenFirstTask(id);
        tokens.Add(onSecond.Token());

        // Version 3: the map-first condition and the map step removed. A participant walks it: no map.
        var penOnly = StudyFolderFixture.Replication(id);
        penOnly["title"] = new JsonObject { ["de"] = "Nur der Stift", ["en"] = "Pen only" };
        var conditions = penOnly["conditions"]!.AsArray();
        conditions.Remove(conditions.First(x => (string)x!["id"]! == "map-first"));
        var order = conditions[0]!["order"]!.AsArray();
        order.Remove(order.First(s => (string)s! == "map"));
        var steps = penOnly["steps"]!.AsArray();
        steps.Remove(steps.First(s => (string)s!["id"]! == "map"));
        var third = await fixture.Change(id, penOnly);
        await using var d = await fixture.NewContext();
        var onThird = await d.OpenFirstTask(id);
        tokens.Add(onThird.Token());
        Assert.Equal(third.Hash, fixture.Session(onThird).Version);
        Assert.DoesNotContain("map", fixture.Session(onThird).Steps);
        await DrawOnPen(onThird);
        await AnswerAndFinish(onThird);

        // The participant who was on the removed map step when it was removed goes on by the version they started on.
        Assert.Equal(first.Hash, fixture.Session(mapFirst).Version);
        await mapFirst.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await DrawOnPen(mapFirst);
        await AnswerAndFinish(mapFirst);

        var sessions = tokens.Select(t => fixture.Server.Services.GetRequiredService<SessionService>().Find(t)!).ToList();
        Assert.Equal([SessionStatus.Completed, SessionStatus.Completed, SessionStatus.Active, SessionStatus.Completed], sessions.Select(s => s.Status));
        Assert.Equal([first.Hash, first.Hash, second.Hash, third.Hash], sessions.Select(s => s.Version));
        await using var researcher = await fixture.NewContext();
        var page = await researcher.OpenDashboard();
        var card = page.Locator($"#experiment-{id}");
        await Assertions.Expect(card.Locator("[data-count=started]")).ToHaveTextAsync("4");
        await Assertions.Expect(card.Locator("[data-count=completed]")).ToHaveTextAsync("3");

        // The experiment page: every participant's rows (the map rows of version 1 too) and the three versions.
        await page.Open($"/researcher/experiments/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nur der Stift" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.versions tbody tr")).ToHaveCountAsync(3);
        foreach (var session in sessions.Where(s => s.Status == SessionStatus.Completed))
            await Assertions.Expect(OutcomeRows(page, session.Id).First).ToBeVisibleAsync();
        // Its pen and map rows.
        await Assertions.Expect(OutcomeRows(page, sessions[0].Id)).ToHaveCountAsync(2);
        await page.AssertNoSeriousAccessibilityProblem("experiment page with three versions");

        // Each session's page, by its version: the map-first participant's map step and its replay are there.
        foreach (var session in sessions)
        {
            await page.Open($"/researcher/sessions/{session.Id}");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Participant {session.Id}" })).ToBeVisibleAsync();
        }
        await page.Open($"/researcher/sessions/{sessions[0].Id}/steps/map/replay");
        await Assertions.Expect(page.Locator("#replay-map .leaflet-pane")).Not.ToHaveCountAsync(0);

        // The outcome table, the report (naming the versions and warning that their task steps differ) and an export.
        var csv = System.Text.Encoding.UTF8.GetString(await researcher.Fetch($"/researcher/experiments/{id}/outcomes.csv"));
        Assert.Contains($"{sessions[0].Id},{id},map,", csv);
        Assert.Contains($"{sessions[3].Id},{id},pen,", csv);
        await page.Open($"/researcher/experiments/{id}/live-report");
        var report = page.FrameLocator("#live-report").Locator("body");
        await Assertions.Expect(report).ToContainTextAsync("versions of the experiment file, pooled here");
        await Assertions.Expect(report).ToContainTextAsync("differ in their task steps");
        await Assertions.Expect(report).ToContainTextAsync("map: not in this version");
        var export = ResearcherPages.ZipTexts(await researcher.Fetch($"/researcher/experiments/{id}/export?format=csv"));
        foreach (var session in sessions) Assert.Contains(session.Id, export["participants.csv"]);
        foreach (var version in new[] { first, second, third }) Assert.Contains(version.Hash, export["participants.csv"]);
    }

    [Fact]
    public async Task A_broken_file_added_while_serving_shows_its_error_on_the_dashboard_and_serves_once_fixed()
    {
        await using var researcher = await fixture.NewContext();
        var dashboard = await researcher.OpenDashboard();
        var problems = dashboard.Locator("#file-problems");
        await Assertions.Expect(problems).ToBeHiddenAsync();

        // A pen step without its instruction: the dashboard, open all along, lists the file and the error's place.
        var late = ExperimentFolder.Read("gallup-pen");
        late["id"] = "late-study";
        var pen = late["steps"]!.AsArray().First(s => (string)s!["type"]! == "pen")!.AsObject();
        var instruction = pen["instruction"]!.DeepClone();
        pen.Remove("instruction");
        fixture.Folder.Write("late-study", late);
        await StudyFolderFixture.Until(() => fixture.Catalog.Problems.Any(p => p.File == "late-study.json"), "the broken file was never read");
        await Assertions.Expect(problems).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(problems).ToContainTextAsync("late-study.json");
        await Assertions.Expect(problems).ToContainTextAsync("instruction");
        await dashboard.AssertNoSeriousAccessibilityProblem("dashboard listing a broken file");

        // The other experiments serve; the broken one does not.
        await using var participant = await fixture.NewContext();
        var other = await participant.OpenFirstTask("gallup-pen");
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Try the pen." })).ToBeVisibleAsync();
        var broken = await participant.NewPageAsync();
        Assert.Equal(404, (await broken.GotoAsync("/s/late-study?lang=en"))!.Status);

        // Fixed: it serves, the dashboard's list empties and says the experiments changed.
        pen["instruction"] = instruction;
        await fixture.Change("late-study", late);
        await Assertions.Expect(problems).ToBeHiddenAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(dashboard.Locator("#experiments-changed")).ToBeVisibleAsync();
        var fixedPage = await participant.OpenFirstTask("late-study");
        await Assertions.Expect(fixedPage.GetByRole(AriaRole.Heading, new() { Name = "Try the pen." })).ToBeVisibleAsync();
        await dashboard.Open("/researcher");
        await Assertions.Expect(dashboard.Locator("#experiment-late-study")).ToBeVisibleAsync();
    }
}
