using System.Text.Json;

namespace SelfRef.Core.Events;

/// <summary>A step's events as a simulated page logs them: t in ms since the step's onset frame, a type, data as JSON (camelCase).</summary>
public sealed class EventList
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<ClientEvent> _events = [];

    public IReadOnlyList<ClientEvent> Events => _events;

    /// <summary>Time of the last event so far.</summary>
    public double Last => _events.Count == 0 ? 0 : _events[^1].T;

    public EventList Add(double t, string type, object? data = null)
    {
        _events.Add(new ClientEvent(Math.Round(t, 2), type, data is null ? null : JsonSerializer.SerializeToElement(data, Json)));
        return this;
    }
}
