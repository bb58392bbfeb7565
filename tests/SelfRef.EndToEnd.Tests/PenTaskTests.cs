using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks.Pen;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

public class PenTaskTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static async Task<IPage> OpenPenStep(IBrowserContext context, string experiment = "gallup-pen", string instruction = "Try the pen.")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{experiment}?lang=en");
        await page.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByText(instruction, new() { Exact = true })).ToBeVisibleAsync();
        return page;
    }

    private static string Describe(IEnumerable<PenStroke> strokes) =>
        string.Join("; ", strokes.Select(s => $"stroke {s.Index}: {s.Start:F0}–{s.End:F0} ms, top {s.Box.Top:F3} bottom {s.Box.Bottom:F3}"));

    /// <summary>
    /// Watches the page independently of pen.js: the time of the first frame after the sheet
    /// entered the page, and the timeStamp of the first pointerdown on it (both on the page's clock).
    /// </summary>
    private const string Stopwatch = """
        new MutationObserver(() => {
          if (window.__sheetFrame === undefined && document.querySelector('#pen-sheet, #pen-text')) {
            window.__sheetFrame = null;
            requestAnimationFrame(t => window.__sheetFrame = t);
          }
        }).observe(document, { subtree: true, childList: true });
        addEventListener('pointerdown', e => { if (window.__firstDown === undefined && e.target.id === 'pen-sheet') window.__firstDown = e.timeStamp; }, true);
        addEventListener('keydown', e => { if (window.__firstDown === undefined && e.target.id === 'pen-text') window.__firstDown = e.timeStamp; }, true);
        """;

    private static async Task<double> ExpectedLatency(IPage page) =>
        await page.EvaluateAsync<double>("() => window.__firstDown - window.__sheetFrame");

    private async Task<PenOutcome> Outcome(IPage page)
    {
        await page.AllSaved();
        var session = fixture.Session(page);
        var experiment = fixture.Server.Services.GetRequiredService<SessionService>().Experiment(session.ExperimentId)!;
        var step = (PenStep)experiment.Step("pen");
        var events = fixture.Server.Store.Events(session.Id).Where(b => b.Step == "pen").SelectMany(b => b.Events);
        return PenOutcome.Extract(step, events);
    }

    /// <summary>
    /// Strokes sent as one burst of DevTools input events: they are sent without waiting for one
    /// another, so a busy machine stretches the pause before the burst, never the gaps inside it.
    /// </summary>
    private static async Task Write(ICDPSession cdp, ILocator sheet, string device, params (double X, double Y)[][] strokes)
    {
        var box = (await sheet.BoundingBoxAsync())!;
        Dictionary<string, object> At(double x, double y) => new() { ["x"] = box.X + x * box.Width, ["y"] = box.Y + y * box.Height };
        var sent = new List<Task>();
        foreach (var stroke in strokes)
        {
            var points = new List<(double X, double Y)>();
            for (var i = 0; i + 1 < stroke.Length; i++)
                for (var k = 0; k < 6; k++)
                    points.Add((stroke[i].X + (stroke[i + 1].X - stroke[i].X) * k / 6, stroke[i].Y + (stroke[i + 1].Y - stroke[i].Y) * k / 6));
            points.Add(stroke[^1]);
            if (device == "mouse")
            {
                Dictionary<string, object> Mouse(string type, (double X, double Y) p) =>
                    new(At(p.X, p.Y)) { ["type"] = type, ["button"] = "left", ["buttons"] = type == "mouseReleased" ? 0 : 1, ["clickCount"] = 1 };
                var hover = Mouse("mouseMoved", points[0]);
                (hover["buttons"], hover["button"]) = (0, "none");
                sent.Add(cdp.SendAsync("Input.dispatchMouseEvent", hover));
                sent.Add(cdp.SendAsync("Input.dispatchMouseEvent", Mouse("mousePressed", points[0])));
                sent.AddRange(points.Skip(1).Select(p => cdp.SendAsync("Input.dispatchMouseEvent", Mouse("mouseMoved", p))));
                sent.Add(cdp.SendAsync("Input.dispatchMouseEvent", Mouse("mouseReleased", points[^1])));
            }
            else
            {
                Dictionary<string, object> Touch(string type, (double X, double Y) p) =>
                    new() { ["type"] = type, ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { At(p.X, p.Y) } };
                sent.Add(cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchStart", points[0])));
                sent.AddRange(points.Skip(1).Select(p => cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchMove", p))));
                sent.Add(cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchEnd", points[^1])));
            }
        }
        await Task.WhenAll(sent);
    }

    [Fact]
    public async Task A_scripted_mouse_writes_two_separated_words_and_the_first_is_found()
    {
        await using var context = await fixture.NewContext();
        await context.AddInitScriptAsync(Stopwatch);
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
        await Write(cdp, sheet, "mouse", [(.10, .30), (.12, .20), (.14, .30)], [(.15, .25), (.18, .25)], [(.20, .30), (.22, .20), (.24, .30)]);
        await page.WaitForTimeoutAsync(1600);
        await Write(cdp, sheet, "mouse", [(.40, .30), (.45, .20), (.50, .30)], [(.52, .25), (.56, .26)]);

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
        var expected = await ExpectedLatency(page);
        Assert.True(expected >= scriptedDelay, $"the test waited {scriptedDelay} ms but the page saw the press after {expected} ms");
        Assert.NotNull(outcome.LatencyMs);
        Assert.True(Math.Abs(outcome.LatencyMs.Value - expected) <= 1000.0 / 60 + 5,
            $"latency stored as {outcome.LatencyMs:F1} ms, but the press came {expected:F1} ms after the sheet's first frame");
    }

    [Fact]
    public async Task A_finger_writes_on_a_phone_and_the_strokes_are_touch()
    {
        await using var context = await fixture.NewContext(phone: true);
        await context.AddInitScriptAsync(Stopwatch);
        var page = await OpenPenStep(context);
        var sheet = page.Locator("#pen-sheet");
        await page.WaitForFunctionAsync("() => window.__sheetFrame > 0");
        const int scriptedDelay = 500;
        await page.WaitForTimeoutAsync(scriptedDelay);
        var cdp = await context.NewCDPSessionAsync(page);
        await Write(cdp, sheet, "touch", [(.1, .2), (.3, .25)], [(.32, .2), (.4, .26)]);
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
        await context.AddInitScriptAsync(Stopwatch);
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
