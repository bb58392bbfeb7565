using System.Globalization;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Tasks.Map;

namespace SelfRef.Core.Tests.Tasks.Map;

/// <summary>Writes a map step's events the way wwwroot/tasks/map.js logs them, numbered in order.</summary>
public sealed class MapEventScript
{
    private readonly List<StoredEvent> _events = [];

    public IReadOnlyList<StoredEvent> Events => _events;

    private MapEventScript Add(double t, string type, object? data)
    {
        _events.Add(new StoredEvent(_events.Count + 1, t, type, data is null ? null : JsonSerializer.Serialize(data)));
        return this;
    }

    /// <summary>A view of about 0.6° × 0.4° at zoom 10, proportionally larger below.</summary>
    public MapEventScript View(double t, double lat, double lng, double zoom, bool initial = false)
    {
        var halfLng = 0.3 * Math.Pow(2, 10 - zoom);
        var halfLat = 0.2 * Math.Pow(2, 10 - zoom);
        object data = initial
            ? new { lat, lng, zoom, bounds = new[] { lat - halfLat, lng - halfLng, lat + halfLat, lng + halfLng }, initial = true }
            : new { lat, lng, zoom, bounds = new[] { lat - halfLat, lng - halfLng, lat + halfLat, lng + halfLng } };
        return Add(t, MapEvents.View, data);
    }

    public MapEventScript Click(double t, double lat, double lng, double zoom) => Add(t, MapEvents.Click, new { lat, lng, zoom, pointer = "mouse" });

    public MapEventScript Type(double t, string q) => Add(t, MapEvents.SearchInput, new { q });

    public MapEventScript Choose(double t, int id, string name, double lat, double lng) => Add(t, MapEvents.SearchChoose, new { id, name, lat, lng, q = name, rank = 0 });

    /// <summary>The participant goes on (the continue button).</summary>
    public MapEventScript Continue(double t) => Add(t, "ui.click", new { target = "continue" });

    public override string ToString() =>
        string.Join("; ", _events.Select(e => $"{e.T.ToString(CultureInfo.InvariantCulture)} {e.Type}"));
}
