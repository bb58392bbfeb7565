namespace SelfRef.EndToEnd.Tests.Support;

/// <summary>Writing on the pen task's sheet as a person does, and timing it independently of pen.js.</summary>
public static class PenSheet
{
    /// <summary>
    /// An init script that watches the page independently of pen.js: the time of the first frame
    /// after the sheet entered the page, and the timeStamp of the first pointerdown on it (both on
    /// the page's clock). It runs again on every page load.
    /// </summary>
    public const string Stopwatch = """
        new MutationObserver(() => {
          if (window.__sheetFrame === undefined && document.querySelector('#pen-sheet, #pen-text')) {
            window.__sheetFrame = null;
            requestAnimationFrame(t => window.__sheetFrame = t);
          }
        }).observe(document, { subtree: true, childList: true });
        addEventListener('pointerdown', e => { if (window.__firstDown === undefined && e.target.id === 'pen-sheet') window.__firstDown = e.timeStamp; }, true);
        addEventListener('keydown', e => { if (window.__firstDown === undefined && e.target.id === 'pen-text') window.__firstDown = e.timeStamp; }, true);
        """;

    /// <summary>What the stopwatch saw: ms from the sheet's first frame to the first press or key.</summary>
    public static async Task<double> ExpectedLatency(this IPage page) =>
        await page.EvaluateAsync<double>("() => window.__firstDown - window.__sheetFrame");

    /// <summary>
    /// Strokes sent as one burst of DevTools input events: they are sent without waiting for one
    /// another, so a busy machine stretches the pause before the burst, never the gaps inside it.
    /// </summary>
    public static async Task Write(ICDPSession cdp, ILocator sheet, string device, params (double X, double Y)[][] strokes)
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

    /// <summary>A function of [left, top, right, bottom] (shares of the sheet): how many pixels of the sheet's canvas are drawn on inside that box.</summary>
    public const string InkScript = """
        ([l, t, r, b]) => {
          const c = document.getElementById('pen-sheet');
          if (!c || c.width === 0) return 0;
          const x = Math.floor(l * c.width), y = Math.floor(t * c.height);
          const data = c.getContext('2d').getImageData(x, y, Math.max(1, Math.ceil(r * c.width) - x), Math.max(1, Math.ceil(b * c.height) - y)).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
          return n;
        }
        """;

    public static async Task<int> InkIn(this IPage page, double[] box) => await page.EvaluateAsync<int>(InkScript, box);

    /// <summary>Waits until something is drawn inside the box (a redraw happens once the sheet is laid out).</summary>
    public static Task WaitForInk(this IPage page, double[] box, float timeoutMs = 10_000) =>
        page.WaitForFunctionAsync($"box => ({InkScript})(box) > 0", box, new() { Timeout = timeoutMs });
}
