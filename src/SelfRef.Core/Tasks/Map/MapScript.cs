using SelfRef.Core.Events;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tasks.Map;

/// <summary>
/// A map step as wwwroot/tasks/map.js logs it: the initial view, then a viewport trajectory
/// (a view per animation frame while the map moves, one more when it settles), pointer downs,
/// search keystrokes, suggestions and the chosen result, clicks. The first place singled out
/// is the home town or a place far from it, as the participant's truth says: reached either
/// through the search box or by panning to it at a low zoom and zooming in on it past
/// targetZoom, then held longer than dwellMs. Afterwards the participant may look elsewhere
/// (home, if they did not start there), which must not change what came first. Habit: "search",
/// the share who single out the first place through the search box (when the step shows it).
/// </summary>
public static class MapScript
{
    private const double FrameMs = 1000.0 / 60;

    /// <summary>The share who search for the first place when the step shows a search box, unless the simulation says otherwise.</summary>
    public const double UsualSearchShare = 0.35;

    public static IReadOnlyList<ClientEvent> Events(MapStep step, TaskSimulation context)
    {
        var pointer = context.Device.Pointer;
        var events = new EventList();
        var map = new MapView(events, context, step.StartLat, step.StartLon, step.StartZoom);
        map.Log(context.Uniform(16, 40), initial: true);

        var home = context.Person.HomeTown;
        var first = context.SelfReferentialFirst ? home : context.FarFromHome(Math.Max(200, 4 * step.HomeRadiusKm));
        var t = context.LatencyMs;
        var bySearch = step.Search && context.Chance(context.Habit("search", UsualSearchShare));
        t = bySearch ? Search(map, first, t, step, context) : ZoomTo(map, first, t, step, context);
        // Held longer than the dwell time before anything else moves the map.
        t += step.DwellMs + context.Uniform(300, 2500);

        if (!context.SelfReferentialFirst && context.Chance(0.6))
        {
            t = map.ZoomBy(-(map.Zoom - Math.Max(step.MinZoom, 4)), t, context);
            t = context.Chance(0.5) ? Search(map, home, t + context.Uniform(300, 1200), step, context) : ZoomTo(map, home, t + context.Uniform(300, 1200), step, context);
            t += context.Uniform(500, 3000);
        }
        if (context.Chance(0.5))
        {
            events.Add(t, MapEvents.PointerDown, new { pointer });
            events.Add(t + context.Uniform(60, 140), MapEvents.Click, new { lat = TaskSimulation.Round5(map.Lat + context.Uniform(-0.01, 0.01)), lng = TaskSimulation.Round5(map.Lng + context.Uniform(-0.01, 0.01)), zoom = map.Zoom, pointer });
            t += context.Uniform(400, 2000);
        }
        events.Add(t + context.Uniform(500, 3000), "ui.click", new { target = "continue" });
        return events.Events;
    }

    /// <summary>The home town the person names later, as the place question's page sends a picked suggestion.</summary>
    public static IReadOnlyDictionary<string, string> Answers(MapStep step, SimulatedPerson person) =>
        new Dictionary<string, string> { [step.HomeTownQuestion] = HomeTown.Format(person.HomeTown, person.HomeTownShown) };


    /// <summary>Pans at a low zoom until the place is in the middle, then zooms in on it step by step past targetZoom.</summary>
    private static double ZoomTo(MapView map, Place place, double t, MapStep step, TaskSimulation context)
    {
        map.Events.Add(t, MapEvents.PointerDown, new { pointer = context.Device.Pointer });
        // Looking around first, then the place: one or two drags at the current zoom.
        if (context.Chance(0.5))
            t = map.PanTo(map.Lat + context.Uniform(-15, 15), map.Lng + context.Uniform(-30, 30), t + context.Uniform(20, 60), context) + context.Uniform(200, 900);
        var midZoom = Math.Min(Math.Max(map.Zoom + 2, 5), step.TargetZoom - 1);
        t = map.PanTo(place.Lat, place.Lon, t + context.Uniform(20, 60), context) + context.Uniform(150, 500);
        // Wheel or pinch zoom over the place: the centre closes in on it (a small offset remains).
        var offset = Math.Min(3, step.HomeRadiusKm / 4) / GreatCircle.KmPerDegree;
        var (lat, lng) = (place.Lat + context.Uniform(-offset, offset) * 0.7, place.Lon + context.Uniform(-offset, offset) * 0.7);
        t = map.ZoomBy(Math.Max(0, midZoom - map.Zoom), t, context) + context.Uniform(150, 400);
        t = map.PanTo(lat, lng, t, context) + context.Uniform(100, 400);
        var finalZoom = Math.Min(step.MaxZoom, Math.Ceiling(step.TargetZoom) + context.Random.Next(0, 3));
        while (map.Zoom < finalZoom)
            // Between wheel steps the view rests for less than the dwell time.
            t = map.ZoomBy(1, t, context) + Math.Min(context.Uniform(80, 300), 0.5 * step.DwellMs);
        return map.Last;
    }

    /// <summary>Types the start of the place's name, waits for suggestions, chooses it; the map then shows it.</summary>
    private static double Search(MapView map, Place place, double t, MapStep step, TaskSimulation context)
    {
        var name = place.Name;
        var letters = Math.Min(name.Length, context.Random.Next(3, 8));
        for (var i = 1; i <= letters; i++)
        {
            var q = name[..i];
            map.Events.Add(t, MapEvents.SearchInput, new { q });
            if (i >= 2)
            {
                var ids = context.Gazetteer.Search(q, 8).Select(m => m.Place.Id).ToList();
                if (!ids.Contains(place.Id)) ids.Insert(0, place.Id);
                map.Events.Add(t + context.Uniform(30, 120), MapEvents.SearchSuggestions, new { q, ids = ids.Take(8).ToArray() });
            }
            t += context.Uniform(110, 260);
        }
        t += context.Uniform(300, 1500);
        var q1 = name[..letters];
        var rank = 0;
        map.Events.Add(t, MapEvents.SearchChoose, new { id = place.Id, name = context.Places.Shown(place), matched = place.Name, lat = place.Lat, lng = place.Lon, q = q1, rank });
        return map.FlyTo(place.Lat, place.Lon, Math.Min(step.MaxZoom, Math.Max(step.TargetZoom, 12)), t + context.Uniform(5, 20), context);
    }

    /// <summary>The Leaflet view the participant moves: logs a view per frame while it moves and once when it settles.</summary>
    private sealed class MapView(EventList events, TaskSimulation context, double lat, double lng, double zoom)
    {
        public EventList Events { get; } = events;
        public double Lat { get; private set; } = lat;
        public double Lng { get; private set; } = lng;
        public double Zoom { get; private set; } = zoom;
        public double Last { get; private set; }
        private string _last = "";

        public void Log(double t, bool initial = false)
        {
            // Half the map's size in degrees from its pixel size (Web Mercator: 256 px per tile at zoom 0).
            var device = context.Device;
            var widthPx = device.ViewportWidth - 32.0;
            var heightPx = Math.Max(240, device.ViewportHeight * 0.6);
            var degreesPerPx = 360 / (256 * Math.Pow(2, Zoom));
            var halfLng = Math.Min(180, widthPx / 2 * degreesPerPx);
            var halfLat = Math.Min(85, heightPx / 2 * degreesPerPx * Math.Cos(Lat * Math.PI / 180));
            var data = new Dictionary<string, object>
            {
                ["lat"] = TaskSimulation.Round5(Lat), ["lng"] = TaskSimulation.Round5(Lng), ["zoom"] = Math.Round(Zoom, 3),
                ["bounds"] = new[] { TaskSimulation.Round5(Math.Max(-85, Lat - halfLat)), TaskSimulation.Round5(Lng - halfLng), TaskSimulation.Round5(Math.Min(85, Lat + halfLat)), TaskSimulation.Round5(Lng + halfLng) },
            };
            if (initial) data["initial"] = true;
            // map.js logs a view only when it differs from the last one.
            var key = $"{data["lat"]}|{data["lng"]}|{data["zoom"]}";
            if (key == _last) return;
            _last = key;
            Events.Add(t, MapEvents.View, data);
            Last = t;
        }

        /// <summary>A drag or fly to a centre, eased, over a few hundred ms.</summary>
        public double PanTo(double lat, double lng, double t, TaskSimulation ctx) => Animate(lat, lng, Zoom, t, ctx.Uniform(250, 700));

        public double FlyTo(double lat, double lng, double zoom, double t, TaskSimulation ctx) => Animate(lat, lng, zoom, t, ctx.Uniform(600, 1200));

        /// <summary>A zoom by whole levels around the centre, animated over 250 ms as Leaflet does.</summary>
        public double ZoomBy(double levels, double t, TaskSimulation ctx) => levels == 0 ? t : Animate(Lat, Lng, Zoom + levels, t, 250);

        private double Animate(double lat, double lng, double zoom, double t, double duration)
        {
            var (lat0, lng0, zoom0) = (Lat, Lng, Zoom);
            var frames = Math.Max(1, (int)(duration / FrameMs));
            for (var f = 1; f <= frames; f++)
            {
                var s = f / (double)frames;
                var eased = 1 - Math.Pow(1 - s, 3);
                (Lat, Lng, Zoom) = (lat0 + (lat - lat0) * eased, lng0 + (lng - lng0) * eased, zoom0 + (zoom - zoom0) * eased);
                Log(t + f * FrameMs);
            }
            // Settled: the exact view once more (skipped when it equals the last frame's).
            (Lat, Lng, Zoom) = (lat, lng, zoom);
            Log(t + frames * FrameMs + 1);
            return t + frames * FrameMs + 1;
        }
    }
}
