using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Map;

/// <summary>
/// A map step as the replay (wwwroot/js/map-replay.js) draws it, served as trajectory.json: the
/// step's map settings, the viewport over time, the clicks and chosen search results, and the
/// first target.
/// </summary>
public static class MapReplay
{
    public const string DataName = "trajectory";

    public static object Data(MapStep step, IReadOnlyList<StoredEvent> events)
    {
        var target = FirstTargetRules.Find(step, events);
        return new
        {
            start = new { lat = step.StartLat, lng = step.StartLon, zoom = step.StartZoom },
            minZoom = step.MinZoom,
            maxZoom = step.MaxZoom,
            layers = step.Layers.Select(l => l.ToString().ToLowerInvariant()),
            tileUrl = step.TileUrl,
            tileAttribution = step.TileAttribution,
            views = MapEvents.Views(events).Select(v => new { t = v.T, lat = v.Lat, lng = v.Lng, zoom = v.Zoom }),
            clicks = MapEvents.Clicks(events).Select(c => new { t = c.T, lat = c.Lat, lng = c.Lng }),
            choices = MapEvents.Choices(events).Select(c => new { t = c.T, lat = c.Lat, lng = c.Lng, name = c.Name }),
            target = target is null ? null : new { lat = target.Lat, lng = target.Lng, t = target.T, inference = target.Inference.ToString().ToLowerInvariant() },
        };
    }
}
