using SelfRef.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// What a participant downloads (issue 17: "the whole map step ≤ 300 KB transferred at any zoom").
/// Each step is opened cold, as a participant opens the link on a new device: a fresh browser
/// context with its cache disabled resumes the session at the step, and Chromium counts every byte
/// it receives (headers included, WebSocket frames too) until the participant is done exploring.
/// </summary>
public class ParticipantPageWeightTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const long MapStepBudget = 300 * 1024;
    private const long PenStepBudget = 100 * 1024;
    private const double Munich = 48.13743, MunichLng = 11.57549;

    [Fact]
    public async Task The_whole_map_step_stays_within_300_KB_at_the_deepest_zoom_and_its_text_travels_compressed()
    {
        await using var context = await fixture.NewContext();
        var (page, traffic) = await OpenCold(context, "gallup-map");
        await page.MapShown();
        await traffic.Settled("/api/places", 1);
        var maxZoom = await page.EvaluateAsync<double>("() => window.selfref.map.getMaxZoom()");

        // Look about the world, then zoom onto a town down to the deepest zoom the task allows (through
        // every zoom on the way) and pan there, then out again to the region and pan once more. Every
        // move ends with new place labels.
        async Task Moved(Func<Task> move)
        {
            var labels = traffic.Count("/api/places");
            await move();
            await traffic.Settled("/api/places", labels + 1);
        }
        await Moved(() => page.Drag((0.3, 0.5), (0.6, 0.4)));
        await Moved(() => page.ZoomWithWheelOnto(Munich, MunichLng, maxZoom));
        Assert.Equal(maxZoom, (await page.View()).Zoom);
        await Moved(() => page.Drag((0.2, 0.5), (0.8, 0.5)));
        await Moved(() => page.Drag((0.5, 0.2), (0.5, 0.8)));
        await Moved(() => page.Drag((0.8, 0.7), (0.2, 0.3)));
        await Moved(async () =>
        {
            var (x, y) = await page.MapPoint(0.5, 0.5);
            await page.Mouse.MoveAsync(x, y);
            await page.Mouse.WheelAsync(0, 600);
            await page.WaitForFunctionAsync($"() => window.selfref.map.getZoom() < {maxZoom}");
        });
        await Moved(() => page.Drag((0.7, 0.5), (0.3, 0.5)));

        output.WriteLine($"Map step (gallup-map, cold, zoom 2 → {maxZoom} and back, {traffic.Count("/api/places")} label answers):\n{traffic.Describe()}");
        // The closest outlines were needed, and came.
        Assert.Contains(traffic.Responses, r => r.Path == "/lib/outlines/countries-detail.json");
        Assert.Contains(traffic.Responses, r => r.Path == "/lib/outlines/states.json");
        Assert.True(traffic.Bytes <= MapStepBudget, $"the map step took {traffic.Bytes:N0} bytes, more than its budget of {MapStepBudget:N0}:\n{traffic.Describe()}");
        AssertCompressed(traffic);
    }

    [Fact]
    public async Task The_pen_step_stays_within_100_KB_and_its_text_travels_compressed()
    {
        await using var context = await fixture.NewContext();
        var (page, traffic) = await OpenCold(context, "gallup-pen");
        await Assertions.Expect(page.Locator("#pen-sheet")).ToBeVisibleAsync();
        await traffic.Settled("/lib/participant/pen-", 1);

        output.WriteLine($"Pen step (gallup-pen, cold):\n{traffic.Describe()}");
        Assert.True(traffic.Bytes <= PenStepBudget, $"the pen step took {traffic.Bytes:N0} bytes, more than its budget of {PenStepBudget:N0}:\n{traffic.Describe()}");
        AssertCompressed(traffic);
    }

    /// <summary>
    /// Every script, style sheet, JSON and HTML answer of 1 KB or more came compressed. A session's
    /// own answers (/api/p/…) are sent as they are on purpose: compressing private data beside text
    /// an attacker may choose lets the compressed length give it away (BREACH).
    /// </summary>
    private static void AssertCompressed(Traffic traffic)
    {
        var plain = traffic.Responses
            .Where(r => r.IsText && r.BodyBytes >= 1024 && !r.Path.StartsWith("/api/p/") && r.Encoding is not ("br" or "gzip"))
            .Select(r => $"{r.Path} ({r.BodyBytes:N0} bytes, {r.Encoding ?? "not compressed"})")
            .ToList();
        Assert.True(plain.Count == 0, "sent without compression: " + string.Join(", ", plain));
        Assert.Contains(traffic.Responses, r => r.Path == "/lib/participant/participant.js" && r.Encoding is "br" or "gzip");
    }

    /// <summary>
    /// A participant at the task step of the experiment, opened again in the given new browser
    /// context (an empty cache, nothing stored) whose traffic is counted from the first request on.
    /// </summary>
    private async Task<(IPage Page, Traffic Traffic)> OpenCold(IBrowserContext context, string experiment)
    {
        string link;
        await using (var first = await fixture.NewContext())
        {
            var started = await first.OpenFirstTask(experiment);
            link = started.Url;
        }
        var page = await context.NewPageAsync();
        var traffic = await Traffic.Record(context, page);
        await page.GotoAsync(link);
        return (page, traffic);
    }
}
