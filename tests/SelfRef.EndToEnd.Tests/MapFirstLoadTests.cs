using System.Text.Json;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// The map page as a participant opens its link on a phone (issue 17.4: Lighthouse's mobile
/// profile, a screen of 412×823 CSS pixels at 1.75 device pixels each): nothing on the page moves
/// while it fills in, the outlines are vector paths (no canvas rasterised on the main thread), and
/// the place names sit on their places without a compositing layer each; Leaflet is evaluated from
/// a script of its own, not in the task that evaluates the map step's code.
/// </summary>
public class MapFirstLoadTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Nothing_on_the_map_page_moves_while_the_header_footer_map_and_place_names_fill_in()
    {
        var (page, context) = await OpenMapCold(1.75f);
        await using var _ = context;
        await page.MapShown();
        // The session's state, the language menu, the privacy links, the labels: all in by now.
        await page.WaitForTimeoutAsync(1000);

        var shifts = await page.EvaluateAsync<JsonElement>("() => window.__shifts");
        var total = shifts.EnumerateArray().Sum(s => s.GetProperty("value").GetDouble());
        Assert.True(total == 0, $"the page moved under the participant's eyes while loading (cumulative layout shift {total:F4}): {shifts}");
    }

    [Fact]
    public async Task The_outlines_are_vector_paths_that_the_compositor_rasterises_not_a_canvas_drawn_on_the_main_thread()
    {
        var (page, context) = await OpenMapCold(1.75f);
        await using var _ = context;
        await page.MapShown();

        var drawn = await page.EvaluateAsync<JsonElement>("() => ({ paths: document.querySelectorAll('.leaflet-outlines-pane svg path').length, canvases: document.querySelectorAll('.leaflet-outlines-pane canvas').length })");
        Assert.True(drawn.GetProperty("canvases").GetInt32() == 0, $"the outlines are drawn on a canvas, rasterised and copied on the phone's main thread at every redraw: {drawn}");
        // Natural Earth's 110m countries less Antarctica.
        Assert.True(drawn.GetProperty("paths").GetInt32() >= 170, $"not every country is drawn: {drawn}");
    }

    [Fact]
    public async Task Place_names_sit_on_their_places_without_a_layer_each_also_after_a_zoom()
    {
        var (page, context) = await OpenMapCold(1.75f);
        await using var _ = context;
        await page.MapShown();
        AssertPlaced(await Labels(page), "the first view");

        await page.EvaluateAsync("() => new Promise(resolve => { window.selfref.map.once('zoomend', resolve); window.selfref.map.zoomIn(); })");
        await page.EvaluateAsync("() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
        AssertPlaced(await Labels(page), "after a zoom");
    }

    [Fact]
    public async Task Leaflet_comes_in_a_script_of_its_own_so_that_the_map_step_starts_before_Leaflet_is_evaluated()
    {
        // Every script of the participant page's bundle is read as it is served; the one carrying
        // Leaflet (and not the map step's code) is held back until the step's own module has run.
        var leaflet = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (page, context) = await OpenMapCold(1.75f, context => context.RouteAsync("**/lib/participant/*.js", async route =>
        {
            var response = await route.FetchAsync();
            var body = await response.TextAsync();
            if (body.Contains("leaflet-container"))
            {
                leaflet.TrySetResult(body);
                if (!body.Contains("map.search.input")) await release.Task;
            }
            // Served as read (decoded): without the encoding and length of the compressed answer.
            var headers = response.Headers.Where(h => h.Key is not ("content-encoding" or "content-length")).ToDictionary(h => h.Key, h => h.Value);
            await route.FulfillAsync(new RouteFulfillOptions { Status = response.Status, Headers = headers, Body = body });
        }));
        await using var _ = context;

        try
        {
            var leafletScript = await leaflet.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(leafletScript.Contains("map.search.input"),
                "Leaflet comes in the same script as the map step's code: on a phone both are evaluated in one long task before the map can be drawn");
            // The step's module has run (it asked for the map's styles) while Leaflet is still held back.
            await page.WaitForFunctionAsync("() => document.querySelector('link[rel=\"stylesheet\"][href=\"/css/map.css\"]') !== null");
            Assert.Equal(0, await page.Locator(".leaflet-container").CountAsync());
        }
        // A failure above must not leave the held script's route waiting while the context closes.
        finally { release.TrySetResult(); }

        await page.MapShown();
        Assert.True(await page.EvaluateAsync<int>("() => document.querySelectorAll('.leaflet-outlines-pane svg path').length") >= 170,
            "the map is not drawn completely once Leaflet has come");
    }

    [Fact]
    public async Task The_map_steps_clock_starts_at_the_first_frame_that_shows_Continue_though_the_map_is_built_over_several_tasks()
    {
        // The step's onset (participant.js) is the frame after the step's render resolves: a render
        // that let frames pass after Continue appeared would let a participant leave the step before
        // its clock started, and its late onset would be put on the next step.
        var (page, context) = await OpenMapCold(1.75f, context => context.AddInitScriptAsync("""
            window.__onsets = [];
            let selfref;
            Object.defineProperty(window, 'selfref', { configurable: true, get: () => selfref, set: value => {
              selfref = value;
              const setOnset = value.outbox.setOnset.bind(value.outbox);
              value.outbox.setOnset = onset => { window.__onsets.push({ onset, afterContinue: window.__continueShown === true }); setOnset(onset); };
            } });
            new MutationObserver(() => {
              if (window.__continueShown || !document.querySelector('.map-task .actions button')) return;
              window.__continueShown = true;
              requestAnimationFrame(time => { window.__continueFrame = time; });
            }).observe(document, { childList: true, subtree: true });
            """));
        await using var _ = context;
        await page.MapShown();

        var seen = await page.EvaluateAsync<JsonElement>("() => ({ frame: window.__continueFrame ?? null, onsets: window.__onsets })");
        var onset = seen.GetProperty("onsets").EnumerateArray().Where(o => o.GetProperty("afterContinue").GetBoolean()).Select(o => o.GetProperty("onset").GetDouble()).ToList();
        Assert.True(onset.Count == 1, $"the map step's onset was not set once after Continue appeared: {seen}");
        Assert.True(seen.GetProperty("frame").ValueKind == JsonValueKind.Number, $"no frame followed Continue's appearance: {seen}");
        Assert.True(onset[0] == seen.GetProperty("frame").GetDouble(),
            $"the step's clock started at {onset[0]:F1} ms, not at the first frame showing Continue ({seen.GetProperty("frame").GetDouble():F1} ms): frames passed in which the participant could leave the step before it began");
    }

    private static void AssertPlaced(JsonElement labels, string when)
    {
        Assert.True(labels.GetArrayLength() > 0, $"no place names on the map ({when})");
        foreach (var label in labels.EnumerateArray())
        {
            var name = label.GetProperty("name").GetString();
            Assert.True(label.GetProperty("transform").GetString() == "none",
                $"{name} is placed with a transform ({label.GetProperty("transform").GetString()}), which gives each name a compositing layer ({when})");
            Assert.True(Math.Abs(label.GetProperty("dx").GetDouble()) <= 1 && Math.Abs(label.GetProperty("dy").GetDouble()) <= 1,
                $"{name} is drawn {label.GetProperty("dx").GetDouble():F1}, {label.GetProperty("dy").GetDouble():F1} px away from its place ({when})");
        }
    }

    /// <summary>Every place name on the map: its transform, and how far its top-left corner lies from its place less the icon's anchor (4, 4).</summary>
    private static Task<JsonElement> Labels(IPage page) => page.EvaluateAsync<JsonElement>("""
        () => {
          const map = window.selfref.map, box = map.getContainer().getBoundingClientRect();
          const labels = [];
          map.eachLayer(layer => {
            if (!layer._icon || !layer._icon.classList.contains('map-label')) return;
            const p = map.latLngToContainerPoint(layer.getLatLng()), r = layer._icon.getBoundingClientRect();
            labels.push({ name: layer._icon.textContent, transform: getComputedStyle(layer._icon).transform,
              dx: r.left - (box.left + p.x - 4), dy: r.top - (box.top + p.y - 4) });
          });
          return labels;
        }
        """);

    /// <summary>
    /// A participant's map step opened from its link in a new phone browser (as Lighthouse opens
    /// it): layout shifts are recorded from the first paint on.
    /// </summary>
    private async Task<(IPage Page, IBrowserContext Context)> OpenMapCold(float devicePixelRatio, Func<IBrowserContext, Task>? prepare = null)
    {
        string link;
        await using (var first = await fixture.NewContext())
            link = (await first.OpenFirstTask("gallup-map")).Url;
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseUrl,
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 412, Height = 823 },
            DeviceScaleFactor = devicePixelRatio,
            IsMobile = devicePixelRatio > 1,
            HasTouch = devicePixelRatio > 1,
        });
        // Every shift counts, also those Chromium marks as following input: nobody touched the page,
        // and under a phone's emulation it marks the early ones so (Lighthouse counts them too).
        await context.AddInitScriptAsync("""
            window.__shifts = [];
            new PerformanceObserver(list => {
              for (const e of list.getEntries()) window.__shifts.push({ value: e.value, at: Math.round(e.startTime), input: e.hadRecentInput,
                moved: e.sources.map(s => s.node ? `${s.node.nodeName.toLowerCase()}${s.node.id ? '#' + s.node.id : ''}.${s.node.className} ${JSON.stringify(s.previousRect)} → ${JSON.stringify(s.currentRect)}` : '?') });
            }).observe({ type: 'layout-shift', buffered: true });
            """);
        if (prepare is not null) await prepare(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        return (page, context);
    }
}
