using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Simulation.Scripts;

/// <summary>A step's events as the browser logs them: t in ms since the step's onset frame, a type, data as JSON.</summary>
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

    /// <summary>What every step logs at its first frame (participant.js).</summary>
    public static EventList Onset(int index, StepContext context) => new EventList().Add(0, "step.onset", new
    {
        index,
        wall = context.WallClockMs,
        timeOrigin = context.WallClockMs - 1500,
        viewport = new { width = context.Participant.ViewportWidth, height = context.Participant.ViewportHeight },
        coarsePointer = context.Participant.CoarsePointer,
    });
}
