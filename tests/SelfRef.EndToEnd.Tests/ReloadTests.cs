using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// A reload in the middle of a task keeps the work: the page shows what the participant had done,
/// nothing of it is logged again, and what the server derives equals what the same actions give
/// without a reload. Each test runs the same participant twice, once without and once with the reload.
/// </summary>
public class ReloadTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Munich = 2867714;

    // Two handwritten words far apart on one line: the first three strokes, then two more.
    private static readonly (double X, double Y)[][] FirstWord = [[(.10, .30), (.12, .20), (.14, .30)], [(.15, .25), (.18, .25)], [(.20, .30), (.22, .20), (.24, .30)]];
    private static readonly (double X, double Y)[][] SecondWord = [[(.40, .30), (.45, .20), (.50, .30)], [(.52, .25), (.56, .26)]];
    private static readonly double[] FirstWordBox = [.09, .18, .25, .32];
    private static readonly double[] SecondWordBox = [.39, .18, .57, .32];

    private sealed record PenRun(TaskOutcome Outcome, PenOutcome Pen, double ExpectedLatency, IReadOnlyList<(int Segment, int S)> Strokes, int InkBefore, int InkAfterReload, int SecondWordInkAfterReload);

    [Fact]
    public async Task A_participant_who_reloads_between_two_handwritten_words_sees_the_first_again_and_it_still_counts_first()
    {
        var plain = await WriteTwoWords(reload: false);
        var reloaded = await WriteTwoWords(reload: true);

        // The sheet showed the first word again after the reload, drawn as before, and nothing where the second would go.
        Assert.True(reloaded.InkBefore > 50, $"the first word left only {reloaded.InkBefore} pixels before the reload");
        Assert.InRange(reloaded.InkAfterReload, reloaded.InkBefore * 0.9, reloaded.InkBefore * 1.1);
        Assert.Equal(0, reloaded.SecondWordInkAfterReload);

        // The same first word, and the same sheet, as without the reload.
        foreach (var run in new[] { plain, reloaded })
        {
            Assert.Equal(5, run.Pen.StrokeCount);
            Assert.Equal([0, 1, 2], run.Pen.FirstWord!.Strokes);
            Assert.Equal(WordEnd.Pause, run.Pen.FirstWord.EndedBy);
            AssertLatencyFromFirstShowing(run.Outcome, run.ExpectedLatency);
        }
        Assert.Equal(plain.Outcome.Columns["first_word_strokes"], reloaded.Outcome.Columns["first_word_strokes"]);
        Assert.Equal(plain.Outcome.Columns["word_end"], reloaded.Outcome.Columns["word_end"]);
        Assert.Equal(plain.Outcome.PointerType, reloaded.Outcome.PointerType);
        Assert.Equal(plain.Outcome.MissingReason, reloaded.Outcome.MissingReason);

        // The redrawn strokes were not logged again, and the tab numbered its new strokes after them.
        Assert.Equal([(0, 0), (0, 1), (0, 2), (1, 3), (1, 4)], reloaded.Strokes);
    }

    private async Task<PenRun> WriteTwoWords(bool reload)
    {
        await using var context = await fixture.NewContext();
        await context.AddInitScriptAsync(PenSheet.Stopwatch);
        var page = await context.OpenFirstTask("gallup-pen");
        var sheet = page.Locator("#pen-sheet");
        await page.WaitForFunctionAsync("() => window.__sheetFrame > 0");
        await page.WaitForTimeoutAsync(500);
        await PenSheet.Write(await context.NewCDPSessionAsync(page), sheet, "mouse", FirstWord);
        var expected = await page.ExpectedLatency();
        await page.AllSaved();
        int inkBefore = 0, inkAfter = 0, secondAfter = 0;
        if (reload)
        {
            inkBefore = await page.InkIn(FirstWordBox);
            await page.ReloadAsync();
            await Assertions.Expect(sheet).ToBeVisibleAsync();
            await page.WaitForInk(FirstWordBox);
            inkAfter = await page.InkIn(FirstWordBox);
            secondAfter = await page.InkIn(SecondWordBox);
            await page.AssertNoSeriousAccessibilityProblem("pen sheet after a reload");
        }
        // A pause longer than the first word's gap (1 s) in both runs: the reload's time is part of it.
        await page.WaitForTimeoutAsync(1600);
        await PenSheet.Write(await context.NewCDPSessionAsync(page), sheet, "mouse", SecondWord);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Your first name")).ToBeVisibleAsync();
        await page.AllSaved();

        var timeline = fixture.Timeline(page, "pen");
        var strokes = timeline.Where(e => e.Type == "pen.down")
            .Select(e => (e.Segment, System.Text.Json.JsonDocument.Parse(e.DataJson!).RootElement.GetProperty("s").GetInt32())).ToList();
        return new PenRun(fixture.DerivedOutcome(page, "pen"), PenOutcome.Extract((PenStep)Step(page, "pen"), timeline), expected, strokes, inkBefore, inkAfter, secondAfter);
    }

    [Fact]
    public async Task A_second_tab_of_the_session_shows_the_strokes_written_in_the_first()
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenFirstTask("gallup-pen");
        var sheet = page.Locator("#pen-sheet");
        await Assertions.Expect(sheet).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(300);
        await PenSheet.Write(await context.NewCDPSessionAsync(page), sheet, "mouse", FirstWord);
        await page.AllSaved();
        var ink = await page.InkIn(FirstWordBox);

        // The first tab stays open; the second finds the sheet as the first left it, and goes on writing on it.
        var tab = await context.NewPageAsync();
        await tab.GotoAsync(page.Url);
        var tabSheet = tab.Locator("#pen-sheet");
        await Assertions.Expect(tabSheet).ToBeVisibleAsync();
        await tab.WaitForInk(FirstWordBox);
        Assert.InRange(await tab.InkIn(FirstWordBox), ink * 0.9, ink * 1.1);
        await tab.WaitForTimeoutAsync(1600);
        await PenSheet.Write(await context.NewCDPSessionAsync(tab), tabSheet, "mouse", SecondWord);
        await tab.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(tab.GetByLabel("Your first name")).ToBeVisibleAsync();
        await tab.AllSaved();
        await page.AllSaved();

        var timeline = fixture.Timeline(page, "pen");
        Assert.Equal(5, timeline.Count(e => e.Type == "pen.down"));
        var pen = PenOutcome.Extract((PenStep)Step(page, "pen"), timeline);
        Assert.Equal([0, 1, 2], pen.FirstWord!.Strokes);
        Assert.Equal("3", fixture.DerivedOutcome(page, "pen").Columns["first_word_strokes"]);
    }

    [Fact]
    public async Task What_a_tab_keeps_for_a_redraw_is_bounded_and_only_of_the_current_step()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/privacy/gallup-pen?lang=en");
        var kept = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => {
              const { WorkCopy, workKey } = await import('/js/work-copy.js');
              const key = workKey('test-token', 'stream-one');
              const copy = WorkCopy.create(key, 'pen');
              copy.declare(['pen.points'], ['text.input']);
              // 2,000 frames of 40 points each: about 2.4 million characters, more than a copy may hold.
              const pts = Array.from({ length: 40 }, (_, i) => [0.12345, 0.23456, 1000.25 + i, 0.5, 0, 0]);
              for (let n = 1; n <= 2000; n++) copy.add([{ step: 'pen', n, t: n, at: n, type: 'pen.points', data: { s: 0, pts } }]);
              copy.add([
                { step: 'pen', n: 2001, t: 1, at: 1, type: 'text.input', data: { text: 'a' } },
                { step: 'pen', n: 2002, t: 2, at: 2, type: 'text.input', data: { text: 'ab' } },
                { step: 'map', n: 2003, t: 3, at: 3, type: 'pen.points', data: { s: 1, pts } },
                { step: 'pen', n: 2004, t: 4, at: 4, type: 'key.down', data: { key: 'b' } }]);
              const pieces = Object.keys(localStorage).filter(k => k === key || k.startsWith(key + '.'));
              const stored = pieces.reduce((sum, k) => sum + localStorage.getItem(k).length, 0);
              const events = WorkCopy.load(key).events();
              const result = {
                stored, chunks: pieces.length - 1, count: events.length,
                ordered: events.filter(e => e.type === 'pen.points').every((e, i) => e.n === i + 1),
                newestText: events.filter(e => e.type === 'text.input').map(e => e.data.text).join('|'),
                foreign: events.filter(e => e.n >= 2003).length,
              };
              WorkCopy.sweep('test-token', 'pen');
              result.keptForItsStep = Object.keys(localStorage).filter(k => k.startsWith(key)).length;
              WorkCopy.sweep('test-token', 'map');
              result.leftAfterTheStep = Object.keys(localStorage).filter(k => k.startsWith(key)).length;
              return result;
            }
            """);
        var stored = kept.GetProperty("stored").GetInt32();
        Assert.InRange(stored, 950_000, 1_010_000);
        Assert.True(kept.GetProperty("chunks").GetInt32() >= 30, $"{kept}");
        Assert.InRange(kept.GetProperty("count").GetInt32(), 700, 900);
        Assert.True(kept.GetProperty("ordered").GetBoolean(), "the kept frames are the first ones, in order");
        Assert.Equal("ab", kept.GetProperty("newestText").GetString());
        Assert.Equal(0, kept.GetProperty("foreign").GetInt32());
        Assert.True(kept.GetProperty("keptForItsStep").GetInt32() > 30, $"{kept}");
        Assert.Equal(0, kept.GetProperty("leftAfterTheStep").GetInt32());
    }

    private sealed record TypingRun(TaskOutcome Outcome, PenOutcome Pen, double ExpectedLatency, string? Written, int Inputs, int Keys);

    [Fact]
    public async Task A_participant_who_reloads_mid_typing_finds_the_text_and_goes_on_typing()
    {
        var plain = await TypeWithAReload(reload: false);
        var reloaded = await TypeWithAReload(reload: true);

        foreach (var run in new[] { plain, reloaded })
        {
            Assert.Equal("Jonas", run.Pen.FirstToken!.Text);
            Assert.Equal("Jonas world", run.Written);
            AssertLatencyFromFirstShowing(run.Outcome, run.ExpectedLatency);
        }
        Assert.Equal(plain.Outcome.Columns["word_end"], reloaded.Outcome.Columns["word_end"]);
        Assert.Equal(plain.Outcome.MissingReason, reloaded.Outcome.MissingReason);
        // Every edit is logged once: the restored text is not an edit.
        Assert.Equal(plain.Inputs, reloaded.Inputs);
        Assert.Equal(plain.Keys, reloaded.Keys);
        Assert.Equal(11, reloaded.Inputs);
    }

    private async Task<TypingRun> TypeWithAReload(bool reload)
    {
        await using var context = await fixture.NewContext();
        await context.AddInitScriptAsync(PenSheet.Stopwatch);
        var page = await context.OpenFirstTask("gallup-pen-keyboard");
        var text = page.GetByLabel("Type something.");
        await page.WaitForFunctionAsync("() => window.__sheetFrame > 0");
        await page.WaitForTimeoutAsync(400);
        await text.PressSequentiallyAsync("Jonas wo", new() { Delay = 90 });
        var expected = await page.ExpectedLatency();
        if (reload)
        {
            await page.AllSaved();
            await page.ReloadAsync();
            await Assertions.Expect(text).ToHaveValueAsync("Jonas wo");
            await page.AssertNoSeriousAccessibilityProblem("keyboard pen page after a reload");
        }
        await text.PressSequentiallyAsync("rld", new() { Delay = 90 });
        await Assertions.Expect(text).ToHaveValueAsync("Jonas world");
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Your first name")).ToBeVisibleAsync();
        await page.AllSaved();

        var step = Step(page, "pen");
        var timeline = fixture.Timeline(page, "pen");
        return new TypingRun(fixture.DerivedOutcome(page, "pen"), PenOutcome.Extract((PenStep)step, timeline), expected,
            PenTask.Type.WrittenText(step, timeline), timeline.Count(e => e.Type == "text.input"), timeline.Count(e => e.Type == "key.down"));
    }

    private sealed record MapRun(MapOutcome Map, TaskOutcome Outcome, (double Lat, double Lng, double Zoom) Zoomed, double? ReloadOffset, int MovesLoggedByTheReload);

    [Fact]
    public async Task A_participant_who_reloads_after_zooming_the_map_finds_the_same_view_and_the_same_first_target()
    {
        var plain = await ZoomOntoMunich(reload: false);
        var reloaded = await ZoomOntoMunich(reload: true);

        foreach (var run in new[] { plain, reloaded })
        {
            Assert.Equal(TargetInference.ZoomHold, run.Map.Target!.Inference);
            Assert.Equal(Munich, run.Map.TargetPlace!.PlaceId);
            Assert.StartsWith("zoom ", run.Outcome.MatchDetail);
        }
        Assert.Equal(plain.Outcome.MatchDetail!.Split(':')[1], reloaded.Outcome.MatchDetail!.Split(':')[1]);
        Assert.Equal(plain.Outcome.PointerType, reloaded.Outcome.PointerType);
        // The target is where the participant had zoomed in before the reload (the zoom-ins on the way there are as close).
        Assert.True(GreatCircle.DistanceKm(reloaded.Map.Target!.Lat, reloaded.Map.Target.Lng, reloaded.Zoomed.Lat, reloaded.Zoomed.Lng) < 3,
            $"target {reloaded.Map.Target.Lat:F4},{reloaded.Map.Target.Lng:F4}, zoomed view {reloaded.Zoomed.Lat:F4},{reloaded.Zoomed.Lng:F4}");
        // Latency from the first time the map was shown: the first action came before the reload.
        Assert.NotNull(reloaded.ReloadOffset);
        Assert.True(reloaded.Outcome.LatencyMs < reloaded.ReloadOffset, $"latency {reloaded.Outcome.LatencyMs} ms, reload at {reloaded.ReloadOffset} ms");
        // The restored view is logged as the page's first view, never as a move of the participant.
        Assert.Equal(0, reloaded.MovesLoggedByTheReload);
    }

    private async Task<MapRun> ZoomOntoMunich(bool reload)
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenFirstTask("gallup-map");
        await page.MapShown();
        await page.ZoomWithWheelOnto(48.13743, 11.57549, 11);
        var zoomed = await page.View();
        if (reload)
        {
            await page.AllSaved();
            await page.ReloadAsync();
            await page.MapShown();
            var restored = await page.View();
            Assert.Equal(zoomed.Zoom, restored.Zoom);
            // Leaflet centres on whole pixels: the view is the same to within a pixel.
            var pixels = await page.EvaluateAsync<double>("([lat, lng, zoom]) => window.selfref.map.project([lat, lng], zoom).distanceTo(window.selfref.map.project(window.selfref.map.getCenter(), zoom))",
                new[] { zoomed.Lat, zoomed.Lng, zoomed.Zoom });
            Assert.True(pixels <= 1, $"the map reopened {pixels:F1} px away from where the participant left it ({zoomed}, now {restored})");
            await page.AssertNoSeriousAccessibilityProblem("map after a reload");
        }
        // Hold the view past the dwell time (0.8 s), then go on.
        await page.WaitForTimeoutAsync(1500);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Your home town" })).ToBeVisibleAsync();
        await page.AllSaved();

        var timeline = fixture.Timeline(page, "map");
        var outcome = MapOutcome.Extract((MapStep)Step(page, "map"), timeline, null, fixture.Server.Services.GetRequiredService<Gazetteer>());
        double? reloadAt = timeline.Where(e => e.Segment == 1).Select(e => (double?)e.Offset).FirstOrDefault();
        var moves = Core.Tasks.Map.MapEvents.Views(timeline.Where(e => e.Segment == 1)).Count(v => !v.Initial);
        return new MapRun(outcome, fixture.DerivedOutcome(page, "map"), zoomed, reloadAt, moves);
    }

    /// <summary>Latency is from the frame that first showed the sheet (not the reload's) to the first press: within one frame plus 5 ms of what the page saw.</summary>
    private static void AssertLatencyFromFirstShowing(TaskOutcome outcome, double expected)
    {
        Assert.NotNull(outcome.LatencyMs);
        Assert.True(Math.Abs(outcome.LatencyMs.Value - expected) <= 1000.0 / 60 + 5,
            $"latency derived as {outcome.LatencyMs:F1} ms, but the first press came {expected:F1} ms after the sheet was first shown");
    }

    private Step Step(IPage page, string stepId) =>
        fixture.Server.Services.GetRequiredService<SessionService>().Experiment(fixture.Session(page).ExperimentId)!.Step(stepId);
}
