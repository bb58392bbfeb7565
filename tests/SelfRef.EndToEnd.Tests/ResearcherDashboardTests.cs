using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;
using SkiaSharp;

namespace SelfRef.EndToEnd.Tests;

public class ResearcherDashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Payload = "<img src=x onerror=alert(1)><script>alert(2)</script>";

    private static Task<IPage> Dashboard(IBrowserContext context) => context.OpenDashboard();

    /// <summary>A participant of the keyboard variant, walked from the link to the debrief; pauses where the test wants to look.</summary>
    private static async Task<IPage> OpenParticipant(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen-keyboard?lang=en");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task TypeAndFinish(IPage page, string typed, string firstName)
    {
        await page.GetByLabel("Type something.").PressSequentiallyAsync(typed, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await page.GetByLabel("Your first name").FillAsync(firstName);
        await page.GetByLabel("Your surname").FillAsync("Doe");
        await page.GetByLabel("Your age in years").FillAsync("30");
        await page.GetByRole(AriaRole.Group, new() { Name = "Which hand do you write with?" }).GetByLabel("right").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        await page.AllSaved();
    }

    [Fact]
    public async Task The_dashboard_follows_a_participant_through_the_keyboard_study_without_being_reloaded()
    {
        await using var researcherContext = await fixture.NewContext();
        var dashboard = await Dashboard(researcherContext);
        var card = dashboard.Locator("#experiment-gallup-pen-keyboard");
        var started = int.Parse(await card.Locator("[data-count=started]").InnerTextAsync());
        var completed = int.Parse(await card.Locator("[data-count=completed]").InnerTextAsync());
        await Assertions.Expect(card.Locator("[data-cell='intro|default']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 / "));
        await dashboard.AssertNoSeriousAccessibilityProblem("researcher dashboard");
        // Survives only as long as the page is not loaded again.
        await dashboard.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        var navigations = 0;
        dashboard.FrameNavigated += (_, frame) => { if (frame == dashboard.MainFrame) navigations++; };

        await using var participantContext = await fixture.NewContext();
        var participant = await OpenParticipant(participantContext);
        await Assertions.Expect(card.Locator("[data-count=started]")).ToHaveTextAsync($"{started + 1}", new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("[data-count=active]")).ToHaveTextAsync("1");
        await Assertions.Expect(card.Locator("[data-cell='consent|default']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1 / "));

        await participant.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-cell='intro|default']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1 / "), new() { Timeout = 15_000 });
        await participant.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-cell='pen|default']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1 / "), new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("[data-cell='intro|default']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 / "));

        await TypeAndFinish(participant, "hello", "Ada");
        var pseudonym = fixture.Session(participant).Id;
        await Assertions.Expect(card.Locator("[data-count=completed]")).ToHaveTextAsync($"{completed + 1}", new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("[data-count=active]")).ToHaveTextAsync("0");
        var latest = card.Locator("[data-field=recent] li").First;
        await Assertions.Expect(latest).ToContainTextAsync(pseudonym);
        await Assertions.Expect(latest).ToContainTextAsync("completed");

        Assert.Equal("yes", await dashboard.EvaluateAsync<string>("() => window.__sameDocument"));
        Assert.Equal(0, navigations);
    }

    [Fact]
    public async Task Markup_typed_by_a_participant_is_shown_as_text_on_the_dashboard_and_the_session_view()
    {
        await using var participantContext = await fixture.NewContext();
        var participant = await OpenParticipant(participantContext);
        await participant.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await participant.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await TypeAndFinish(participant, Payload, Payload);
        var pseudonym = fixture.Session(participant).Id;

        await using var researcherContext = await fixture.NewContext();
        var dialogs = new List<string>();
        researcherContext.Page += (_, page) => page.Dialog += (_, dialog) => { dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
        var dashboard = await Dashboard(researcherContext);
        var card = dashboard.Locator("#experiment-gallup-pen-keyboard");
        // The card's sessions fold out under its summary.
        await card.Locator("summary").ClickAsync();
        await card.GetByRole(AriaRole.Link, new() { Name = pseudonym }).ClickAsync();

        await Assertions.Expect(dashboard.GetByRole(AriaRole.Heading, new() { Name = $"Participant {pseudonym}" })).ToBeVisibleAsync();
        await Assertions.Expect(dashboard.Locator("#typed-pen")).ToHaveTextAsync(Payload);
        var answer = dashboard.GetByRole(AriaRole.Row).Filter(new() { HasText = "about-you.firstName" });
        await Assertions.Expect(answer.GetByRole(AriaRole.Cell)).ToHaveTextAsync(Payload);
        Assert.Equal(0, await dashboard.Locator("img[src=x]").CountAsync());
        Assert.Equal(0, await dashboard.Locator("main script").CountAsync());
        await dashboard.AssertNoSeriousAccessibilityProblem("session view");

        // The outcome table, which the experiment page fetches again live, shows it as text too.
        await dashboard.GotoAsync("/researcher/experiments/gallup-pen-keyboard");
        await Assertions.Expect(dashboard.GetByRole(AriaRole.Row).Filter(new() { HasText = pseudonym })).ToBeVisibleAsync();
        Assert.Equal(0, await dashboard.Locator("img[src=x]").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task A_closed_study_thanks_a_new_participant_politely()
    {
        await using var researcherContext = await fixture.NewContext();
        var dashboard = await Dashboard(researcherContext);
        var card = dashboard.Locator("#experiment-gallup-map");
        await card.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-field=status]")).ToHaveTextAsync("closed");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Close" })).ToBeDisabledAsync();

        await using var participantContext = await fixture.NewContext("de-DE");
        var participant = await participantContext.NewPageAsync();
        await participant.GotoAsync("/s/gallup-map");
        await Assertions.Expect(participant.GetByRole(AriaRole.Heading, new() { Name = "Vielen Dank für Ihr Interesse" })).ToBeVisibleAsync();
        await participant.AssertNoSeriousAccessibilityProblem("closed study page");

        await card.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-field=status]")).ToHaveTextAsync("open");
    }

    [Fact]
    public async Task The_map_replay_plays_the_participants_views_with_their_timing()
    {
        await using var participantContext = await fixture.NewContext();
        var participant = await participantContext.OpenFirstTask("gallup-map");
        await participant.MapShown();
        for (var i = 0; i < 3; i++)
        {
            await participant.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).ClickAsync();
            await participant.WaitForTimeoutAsync(400);
        }
        await participant.AllSaved();
        var session = fixture.Session(participant);
        var views = fixture.Server.Store.Events(session.Id).Where(b => b.Step == "map").SelectMany(b => b.Events).Where(e => e.Type == "map.view").ToList();
        Assert.True(views.Count >= 2, $"the participant's map logged {views.Count} views");

        await using var researcherContext = await fixture.NewContext();
        var page = await Dashboard(researcherContext);
        await page.GotoAsync($"/researcher/sessions/{session.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Replay map with real timing" }).ClickAsync();
        await Assertions.Expect(page.Locator("#replay-map .leaflet-pane")).Not.ToHaveCountAsync(0);
        await page.AssertNoSeriousAccessibilityProblem("map replay");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay with real timing" }).ClickAsync();
        // The clock stops at the last view's time since the map appeared.
        var end = $"t = {(views.Max(v => v.T) / 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s (end)";
        await Assertions.Expect(page.Locator("#replay-clock")).ToHaveTextAsync(end, new() { Timeout = 20_000 });
        var zoom = await page.EvaluateAsync<double>("() => window.__replayMap.getZoom()");
        Assert.Equal(views.Select(v => System.Text.Json.JsonDocument.Parse(v.DataJson!).RootElement.GetProperty("zoom").GetDouble()).Last(), zoom, 3);
    }

    [Fact]
    public async Task The_map_replay_ends_on_the_participants_last_view_with_the_path_and_the_first_target_in_sight()
    {
        // A participant who searches Berlin: the map flies there and ends zoomed in over land.
        await using var participantContext = await fixture.NewContext();
        var participant = await participantContext.OpenFirstTask("gallup-map");
        await participant.MapShown();
        var search = participant.GetByRole(AriaRole.Combobox, new() { Name = "Search the map" });
        await search.PressSequentiallyAsync("Berlin", new() { Delay = 60 });
        await participant.GetByRole(AriaRole.Option, new() { Name = "Berlin, Germany" }).ClickAsync();
        await participant.WaitForFunctionAsync("() => window.selfref.map.getZoom() >= 11 && !window.selfref.map._animatingZoom");
        await participant.WaitForTimeoutAsync(500);
        await participant.AllSaved();
        var session = fixture.Session(participant);

        await using var researcherContext = await fixture.NewContext();
        var page = await Dashboard(researcherContext);
        await page.GotoAsync($"/researcher/sessions/{session.Id}/steps/map/replay");
        await Assertions.Expect(page.Locator("#replay-map .leaflet-pane")).Not.ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay with real timing" }).ClickAsync();
        await Assertions.Expect(page.Locator("#replay-clock")).ToContainTextAsync("(end)", new() { Timeout = 20_000 });
        // Outlines at the last zoom load after the last view is set; let them arrive and be drawn.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.EvaluateAsync("() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))");

        // The last view is centred on Berlin: the ring of the first target and the end of the path are drawn there, above the land.
        using var shot = SKBitmap.Decode(await page.Locator("#replay-map").ScreenshotAsync());
        var (cx, cy) = (shot.Width / 2, shot.Height / 2);
        int Near(SKColor colour, int radius)
        {
            var n = 0;
            for (var y = cy - radius; y <= cy + radius; y++)
                for (var x = cx - radius; x <= cx + radius; x++)
                {
                    var p = shot.GetPixel(x, y);
                    if (Math.Abs(p.Red - colour.Red) + Math.Abs(p.Green - colour.Green) + Math.Abs(p.Blue - colour.Blue) < 60) n++;
                }
            return n;
        }
        var ring = Near(new SKColor(0xc7, 0x50, 0x00), 20);
        var path = Near(new SKColor(0x12, 0x35, 0x5b), 40);
        Assert.True(ring >= 30, $"the first target's ring shows only {ring} pixels at the end of the replay");
        Assert.True(path >= 20, $"the path shows only {path} pixels where it ends");
        await page.AssertNoSeriousAccessibilityProblem("map replay at its end");
    }

    [Fact]
    public async Task The_pen_replay_page_shows_the_sheet_and_replays_it_with_the_pen_tasks_module()
    {
        await using var participantContext = await fixture.NewContext();
        var participant = await participantContext.OpenFirstTask("gallup-pen");
        var sheet = participant.Locator("#pen-sheet");
        await Assertions.Expect(sheet).ToBeVisibleAsync();
        await PenSheet.Write(await participantContext.NewCDPSessionAsync(participant), sheet, "mouse", [(.2, .3), (.3, .2), (.4, .3)]);
        await participant.AllSaved();
        var session = fixture.Session(participant);

        await using var researcherContext = await fixture.NewContext();
        var page = await Dashboard(researcherContext);
        await page.GotoAsync($"/researcher/sessions/{session.Id}/steps/pen/replay");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "The whole sheet; the first word in black, the rest in grey" })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("pen replay");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay with real timing" }).ClickAsync();
        await Assertions.Expect(page.Locator("#replay-canvas")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("""
            () => { const c = document.getElementById('replay-canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n > 100; }
            """);
    }
}
