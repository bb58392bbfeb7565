using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>The map task in Chromium: a scripted participant explores gallup-map.json with mouse, keyboard and touch.</summary>
public class MapTaskTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Munich = 2867714, Berlin = 2950159, Cologne = 2886242, Hamburg = 2911298;

    private sealed record Words(string Locale, string Agree, string Continue, string Map, string Search, string HomeTown, string Age, string Thanks, string Country);

    private static readonly Words German = new("de-DE", "Ich bin einverstanden und nehme teil", "Weiter", "Sehen Sie sich die Karte an.", "Karte durchsuchen", "Ihr Heimatort", "Ihr Alter in Jahren", "Vielen Dank!", "Deutschland");
    private static readonly Words English = new("en-GB", "I agree and take part", "Continue", "Take a look at the map.", "Search the map", "Your home town", "Your age in years", "Thank you!", "Germany");

    private Gazetteer Places => fixture.Server.Services.GetRequiredService<Gazetteer>();

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public async Task A_participant_who_zooms_into_a_town_holds_and_then_searches_another_looked_for_the_zoomed_town_first(string language)
    {
        var words = language == "de" ? German : English;
        await using var context = await fixture.NewContext(words.Locale);
        var page = await context.NewPageAsync();
        var elsewhere = RequestsLeavingTheServer(page);
        await OpenMap(page, words);
        await page.AssertNoSeriousAccessibilityProblem("map");

        // Explore: drag the map about, then bring Munich to the middle and zoom in on it with the wheel.
        await page.Drag((0.3, 0.5), (0.6, 0.4));
        await page.ZoomWithWheelOnto(48.13743, 11.57549, 11);
        await page.WaitForTimeoutAsync(1500);

        // Then search Berlin with the keyboard: the suggestions come from the gazetteer.
        var search = page.GetByRole(AriaRole.Combobox, new() { Name = words.Search });
        await search.PressSequentiallyAsync("Berlin", new() { Delay = 60 });
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = $"Berlin, {words.Country}" })).ToBeVisibleAsync();
        await search.PressAsync("ArrowDown");
        await search.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => Math.abs(window.selfref.map.getCenter().lat - 52.52) < 0.05");
        var finalView = await page.EvaluateAsync<JsonElement>("() => { const c = window.selfref.map.getCenter(); return { lat: c.lat, lng: c.lng, zoom: window.selfref.map.getZoom() }; }");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Continue }).ClickAsync();

        // The home town, picked from the suggestions.
        var home = page.GetByRole(AriaRole.Combobox, new() { Name = words.HomeTown });
        await home.PressSequentiallyAsync("Münch", new() { Delay = 60 });
        var munichOption = page.GetByRole(AriaRole.Option, new() { Name = $"München (Munich), {words.Country}" });
        await Assertions.Expect(munichOption).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("home town question with suggestions");
        await munichOption.ClickAsync();
        await page.GetByLabel(words.Age).FillAsync("34");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Continue }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Thanks })).ToBeVisibleAsync();
        await page.AllSaved();

        var session = fixture.Session(page);
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Equal($"gn:{Munich}|München (Munich), {words.Country}", session.Answers["about-you.hometown"]);
        await fixture.AssertEveryEventStoredOnce(page);

        // The trajectory is complete: from the start view to where the participant left the map.
        var events = MapEvents(session);
        var views = Core.Tasks.Map.MapEvents.Views(events).ToList();
        Assert.True(views[0].Initial, "the first view stored should be the start view");
        // Leaflet centres on whole pixels: at zoom 2 a pixel is about a third of a degree.
        Assert.Equal(2, views[0].Zoom);
        Assert.InRange(views[0].Lat, 29.6, 30.4);
        Assert.InRange(views[0].Lng, 9.6, 10.4);
        Assert.True(views.Count >= 10, $"only {views.Count} views stored for a drag, four zooms and a search");
        Assert.True(views.Any(v => v.Zoom >= 11 && Math.Abs(v.Lat - 48.137) < 0.05),
            "no stored view shows Munich close up: " + string.Join(" ", views.Select(v => $"[{v.T:F0} {v.Lat:F3},{v.Lng:F3} z{v.Zoom}]")));
        var last = views[^1];
        Assert.Equal(finalView.GetProperty("lat").GetDouble(), last.Lat, 4);
        Assert.Equal(finalView.GetProperty("zoom").GetDouble(), last.Zoom);
        Assert.Equal(views.OrderBy(v => v.T).Select(v => v.T), views.Select(v => v.T));
        Assert.Contains(events, e => e.Type == Core.Tasks.Map.MapEvents.SearchInput && e.DataJson!.Contains("\"Berlin\""));
        Assert.Contains(events, e => e.Type == Core.Tasks.Map.MapEvents.SearchChoose && e.DataJson!.Contains($"\"id\":{Berlin}"));

        // The first target is Munich (held), not Berlin (searched later); the home town is Munich.
        var outcome = Outcome(session, events);
        Assert.Equal(TargetInference.ZoomHold, outcome.Target!.Inference);
        Assert.Equal(Munich, outcome.TargetPlace!.PlaceId);
        Assert.True(outcome.HomeFirst, "Munich zoomed into first and Munich as home town should be 'home first'");
        var munich = Places.Find(Munich)!;
        Assert.Equal(Math.Round(GreatCircle.DistanceKm(outcome.Target.Lat, outcome.Target.Lng, munich.Lat, munich.Lon), 3), outcome.DistanceKm);
        Assert.InRange(outcome.DistanceKm!.Value, 0, 2);

        var row = TaskRow(session, events);
        Assert.True(row.SelfReference, $"the outcome row should say home first: {row}");
        Assert.Equal(outcome.DistanceKm, row.Number("distance_km"));
        Assert.Equal("mouse", row.PointerType);
        Assert.True(row.LatencyMs > 0);

        Assert.True(elsewhere.Count == 0, "the map asked hosts other than this server: " + string.Join(", ", elsewhere.Distinct()));
    }

    [Fact]
    public async Task A_participant_who_only_searches_singles_out_the_searched_place()
    {
        await using var context = await fixture.NewContext(German.Locale);
        var page = await context.NewPageAsync();
        await OpenMap(page, German);

        var search = page.GetByRole(AriaRole.Combobox, new() { Name = German.Search });
        await search.PressSequentiallyAsync("Koeln", new() { Delay = 60 });
        await page.GetByRole(AriaRole.Option, new() { Name = "Köln, Deutschland" }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.selfref.map.getZoom() >= 11");
        await page.GetByRole(AriaRole.Button, new() { Name = German.Continue }).ClickAsync();

        // A home town typed, not picked: matched by name afterwards.
        await page.GetByRole(AriaRole.Combobox, new() { Name = German.HomeTown }).FillAsync("Hamburg");
        await page.GetByLabel(German.Age).FillAsync("52");
        await page.GetByRole(AriaRole.Button, new() { Name = German.Continue }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = German.Thanks })).ToBeVisibleAsync();
        await page.AllSaved();

        var session = fixture.Session(page);
        Assert.Equal("Hamburg", session.Answers["about-you.hometown"]);
        var outcome = Outcome(session, MapEvents(session));
        Assert.Equal(TargetInference.Search, outcome.Target!.Inference);
        Assert.Equal(Cologne, outcome.Target.PlaceId);
        Assert.Equal(HomeTownSource.MatchedText, outcome.HomeTown!.Source);
        Assert.Equal(Hamburg, outcome.HomeTown.Place!.Id);
        Assert.False(outcome.HomeFirst);
        var (cologne, hamburg) = (Places.Find(Cologne)!, Places.Find(Hamburg)!);
        Assert.Equal(GreatCircle.DistanceKm(cologne.Lat, cologne.Lon, hamburg.Lat, hamburg.Lon), outcome.DistanceKm!.Value, 2);
    }

    [Fact]
    public async Task A_participant_on_a_phone_pans_with_a_finger_pinches_to_zoom_and_taps_the_zoom_button()
    {
        await using var context = await fixture.NewContext(English.Locale, phone: true);
        var page = await context.NewPageAsync();
        var elsewhere = RequestsLeavingTheServer(page);
        await OpenMap(page, English);
        var touch = await context.NewCDPSessionAsync(page);
        var box = (await page.Locator(".map-canvas").BoundingBoxAsync())!;
        var (cx, cy) = (box.X + box.Width / 2, box.Y + box.Height / 2);

        var before = await Centre(page);
        await Touch(touch, "touchStart", (cx, cy));
        for (var i = 1; i <= 8; i++) await Touch(touch, "touchMove", (cx - 15 * i, cy + 10 * i));
        await Touch(touch, "touchEnd");
        await page.WaitForFunctionAsync($"() => Math.abs(window.selfref.map.getCenter().lng - ({before.Lng})) > 1");

        var zoomBefore = await page.EvaluateAsync<double>("() => window.selfref.map.getZoom()");
        await Touch(touch, "touchStart", (cx - 20, cy), (cx + 20, cy));
        for (var i = 1; i <= 10; i++) await Touch(touch, "touchMove", (cx - 20 - 12 * i, cy), (cx + 20 + 12 * i, cy));
        await Touch(touch, "touchEnd");
        await page.WaitForFunctionAsync($"() => window.selfref.map.getZoom() > {zoomBefore}");
        // Leaflet ignores a zoom button while the pinch's zoom is still animating, as a person would wait.
        await page.WaitForFunctionAsync("() => !window.selfref.map._animatingZoom");
        await page.WaitForTimeoutAsync(300);
        var zoomAfterPinch = await page.EvaluateAsync<double>("() => window.selfref.map.getZoom()");

        await page.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).TapAsync();
        await page.WaitForFunctionAsync($"() => window.selfref.map.getZoom() > {zoomAfterPinch}");
        await page.AssertNoSeriousAccessibilityProblem("map on a phone");
        await page.GetByRole(AriaRole.Button, new() { Name = English.Continue }).TapAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = English.HomeTown })).ToBeVisibleAsync();
        await page.AllSaved();

        var session = fixture.Session(page);
        var events = MapEvents(session);
        await fixture.AssertEveryEventStoredOnce(page);
        Assert.Contains(events, e => e.Type == Core.Tasks.Map.MapEvents.PointerDown && e.DataJson!.Contains("\"touch\""));
        var zooms = Core.Tasks.Map.MapEvents.Views(events).Select(v => v.Zoom).Distinct().ToList();
        Assert.True(zooms.Count >= 3, $"the pinch and the button should each change the stored zoom: {string.Join(", ", zooms)}");
        Assert.Equal("touch", TaskRow(session, events).PointerType);
        Assert.True(elsewhere.Count == 0, "the map asked hosts other than this server: " + string.Join(", ", elsewhere.Distinct()));
    }

    private async Task OpenMap(IPage page, Words words)
    {
        await page.GotoAsync("/s/gallup-map");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Agree }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = words.Continue }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Map })).ToBeVisibleAsync();
        // The map is ready once outlines are drawn and the start view is logged.
        await page.WaitForFunctionAsync("() => window.selfref.map && document.querySelector('.leaflet-outlines-pane > *') && document.querySelectorAll('.map-label').length > 0");
        await page.WaitForFunctionAsync("() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('selfref.outbox.'))) ?? '{}').next > 0");
    }

    private static List<string> RequestsLeavingTheServer(IPage page)
    {
        var elsewhere = new List<string>();
        var origin = new Uri("http://127.0.0.1");
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith("data:") || request.Url.StartsWith("blob:")) return;
            var uri = new Uri(request.Url);
            if (uri.Host != origin.Host) lock (elsewhere) elsewhere.Add(request.Url);
        };
        return elsewhere;
    }

    private static async Task<(double Lat, double Lng)> Centre(IPage page)
    {
        var c = await page.EvaluateAsync<JsonElement>("() => window.selfref.map.getCenter()");
        return (c.GetProperty("lat").GetDouble(), c.GetProperty("lng").GetDouble());
    }

    private static async Task Touch(ICDPSession cdp, string type, params (double X, double Y)[] points) =>
        await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = points.Select((p, i) => new Dictionary<string, object> { ["x"] = p.X, ["y"] = p.Y, ["id"] = i }).ToArray(),
        });

    private List<StoredEvent> MapEvents(Session session) =>
        fixture.Server.Store.Events(session.Id).Where(b => b.Step == "map").SelectMany(b => b.Events).OrderBy(e => e.N).ToList();

    private MapOutcome Outcome(Session session, IReadOnlyList<StoredEvent> events)
    {
        var step = (MapStep)Experiment.Step("map");
        return MapOutcome.Extract(step, events, session.Answers.GetValueOrDefault("about-you.hometown"), Places);
    }

    /// <summary>The row the outcome table gets, through the task registry as the analysis calls it.</summary>
    private TaskOutcome TaskRow(Session session, IReadOnlyList<StoredEvent> events)
    {
        var step = Experiment.Step("map");
        return fixture.Server.Services.GetRequiredService<OutcomeDeriver>().DeriveOne(StepTypes.TaskOf(step)!, new TaskEvidence(Experiment, session, step, events, []));
    }

    private Experiment Experiment => fixture.Server.Services.GetRequiredService<SessionService>().Experiment("gallup-map")!;
}
