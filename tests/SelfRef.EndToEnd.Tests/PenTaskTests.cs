using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks.Pen;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

public class PenTaskTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static async Task<IPage> OpenPenStep(IBrowserContext context, string experiment = "gallup-pen", string instruction = "Try the pen.")
    {
        var page = await context.OpenFirstTask(experiment);
        await Assertions.Expect(page.GetByText(instruction, new() { Exact = true })).ToBeVisibleAsync();
        return page;
    }

    private static string Describe(IEnumerable<PenStroke> strokes) =>
        string.Join("; ", strokes.Select(s => $"stroke {s.Index}: {s.Start:F0}–{s.End:F0} ms, top {s.Box.Top:F3} bottom {s.Box.Bottom:F3}"));

    private async Task<PenOutcome> Outcome(IPage page)
    {
        await page.AllSaved();
        var session = fixture.Session(page);
        var experiment = fixture.Server.Services.GetRequiredService<SessionService>().Experiment(session.ExperimentId)!;
        var step = (PenStep)experiment.Step("pen");
        var events = fixture.Server.Store.Events(session.Id).Where(b => b.Step == "pen").SelectMany(b => b.Events);
        return PenOutcome.Extract(step, events);
    }

    [Fact]
    public async Task A_scripted_mouse_writes_two_separated_words_and_the_first_is_found()
    {
        await using var context = await fixture.NewContext();
        await context.AddInitScriptAsync(PenSheet.Stopwatch);
        var page = await OpenPenStep(context);
        var sheet = page.Locator("#pen-sheet");
        await Assertions.Expect(sheet).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.__sheetFrame > 0");
        // Cross-origin isolation gives event timestamps their full resolution.
        Assert.True(await page.EvaluateAsync<bool>("() => window.crossOriginIsolated"), "the participant page is not cross-origin isolated");
        const int scriptedDelay = 700;
        await page.WaitForTimeoutAsync(scriptedDelay);
        var cdp = await context.NewCDPSessionAsync(page);
        // First word: three strokes in quick succession; the second after a pause longer than the gap.
        await PenSheet.Write(cdp, sheet, "mouse", [(.10, .30), (.12, .20), (.14, .30)], [(.15, .25), (.18, .25)], [(.20, .30), (.22, .20), (.24, .30)]);
        await page.WaitForTimeoutAsync(1600);
        await PenSheet.Write(cdp, sheet, "mouse", [(.40, .30), (.45, .20), (.50, .30)], [(.52, .25), (.56, .26)]);

        var outcome = await Outcome(page);
        var session = fixture.Session(page);
        var events = fixture.Server.Store.Events(session.Id).Where(b => b.Step == "pen").SelectMany(b => b.Events).ToList();
        var strokes = PenStrokes.From(events);
        Assert.Equal(5, outcome.StrokeCount);
        Assert.Equal("mouse", outcome.PointerType);
        Assert.True(outcome.FirstWord!.Strokes.SequenceEqual([0, 1, 2]), $"first word {string.Join(",", outcome.FirstWord.Strokes)} from {Describe(strokes)}");
        Assert.Equal(WordEnd.Pause, outcome.FirstWord.EndedBy);
        Assert.InRange(outcome.FirstWord.Box.Left, .09, .11);
        Assert.InRange(outcome.FirstWord.Box.Right, .23, .25);

        // Every point is stored, with increasing times within each stroke.
        Assert.All(strokes, s => Assert.True(s.Points.Count >= 7, $"stroke {s.Index} kept only {s.Points.Count} points"));
        Assert.All(strokes, s => Assert.True(s.Points.Zip(s.Points.Skip(1)).All(p => p.Second.T >= p.First.T), $"stroke {s.Index} has times going backwards"));

        await AssertLatency(page, outcome, scriptedDelay);
    }

    /// <summary>Latency is from the frame that showed the sheet to the first press: within one frame plus 5 ms of what the page saw.</summary>
    private static async Task AssertLatency(IPage page, PenOutcome outcome, int scriptedDelay)
    {
        var expected = await page.ExpectedLatency();
        Assert.True(expected >= scriptedDelay, $"the test waited {scriptedDelay} ms but the page saw the press after {expected} ms");
        Assert.NotNull(outcome.LatencyMs);
        Assert.True(Math.Abs(outcome.LatencyMs.Value - expected) <= 1000.0 / 60 + 5,
            $"latency stored as {outcome.LatencyMs:F1} ms, but the press came {expected:F1} ms after the sheet's first frame");
    }

    [Fact]
    public async Task A_finger_writes_on_a_phone_and_the_strokes_are_touch()
    {
        await using var context = await fixture.NewContext(phone: true);
        await context.AddInitScriptAsync(PenSheet.Stopwatch);
        var page = await OpenPenStep(context);
        var sheet = page.Locator("#pen-sheet");
        await page.WaitForFunctionAsync("() => window.__sheetFrame > 0");
        const int scriptedDelay = 500;
        await page.WaitForTimeoutAsync(scriptedDelay);
        var cdp = await context.NewCDPSessionAsync(page);
        await PenSheet.Write(cdp, sheet, "touch", [(.1, .2), (.3, .25)], [(.32, .2), (.4, .26)]);
        var scrolled = await page.EvaluateAsync<double>("() => scrollY");
        Assert.Equal(0, scrolled);

        var outcome = await Outcome(page);
        Assert.Equal("touch", outcome.PointerType);
        Assert.Equal(2, outcome.StrokeCount);
        Assert.Equal([0, 1], outcome.FirstWord!.Strokes);
        await AssertLatency(page, outcome, scriptedDelay);
    }

    [Fact]
    public async Task A_name_typed_and_then_deleted_is_still_the_first_token()
    {
        await using var context = await fixture.NewContext();
        await context.AddInitScriptAsync(PenSheet.Stopwatch);
        var page = await OpenPenStep(context, "gallup-pen-keyboard", "Type something.");
        var text = page.GetByLabel("Type something.");
        await page.WaitForFunctionAsync("() => window.__sheetFrame > 0");
        await page.WaitForTimeoutAsync(400);
        await text.PressSequentiallyAsync("Jonas", new() { Delay = 90 });
        for (var i = 0; i < 5; i++) await text.PressAsync("Backspace", new() { Delay = 60 });
        await text.PressSequentiallyAsync("hello world", new() { Delay = 60 });
        Assert.Equal("hello world", await text.InputValueAsync());

        await page.AllSaved();
        var session = fixture.Session(page);
        var experiment = fixture.Server.Services.GetRequiredService<SessionService>().Experiment(session.ExperimentId)!;
        var events = fixture.Server.Store.Events(session.Id).Where(b => b.Step == "pen").SelectMany(b => b.Events).ToList();
        var outcome = PenOutcome.Extract((PenStep)experiment.Step("pen"), events);
        Assert.Equal(PenInput.Keyboard, outcome.Input);
        Assert.Equal("Jonas", outcome.FirstToken!.Text);
        Assert.Equal(21, events.Count(e => e.Type == "key.down"));
        await AssertLatency(page, outcome, 400);
    }
}
