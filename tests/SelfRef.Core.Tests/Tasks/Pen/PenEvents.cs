using System.Globalization;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tests.Tasks.Pen;

/// <summary>Builds the events pen.js logs: a stroke is a pen.down and one pen.points per frame.</summary>
public sealed class PenEvents
{
    private readonly List<StoredEvent> _events = [];
    private int _strokes;

    public IReadOnlyList<StoredEvent> Events => _events;

    /// <summary>A straight stroke from (x0,y0) to (x1,y1), starting at <paramref name="start"/> ms and lasting <paramref name="duration"/> ms.</summary>
    public PenEvents Stroke(double start, double duration, double x0, double y0, double x1, double y1, string pointer = "mouse")
    {
        var s = _strokes++;
        Add(start, "pen.down", $$"""{"s":{{s}},"pt":"{{pointer}}","x":{{F(x0)}},"y":{{F(y0)}},"p":0.5}""");
        const int steps = 5;
        var points = Enumerable.Range(1, steps).Select(i =>
            $"[{F(x0 + (x1 - x0) * i / steps)},{F(y0 + (y1 - y0) * i / steps)},{F(start + duration * i / steps)},0.5,0,0]");
        Add(start + duration, "pen.points", $$"""{"s":{{s}},"pts":[{{string.Join(",", points)}}]}""");
        Add(start + duration, "pen.up", $$"""{"s":{{s}},"x":{{F(x1)}},"y":{{F(y1)}}}""");
        return this;
    }

    public PenEvents Typed(double t, string text)
    {
        Add(t, "key.down", """{"key":"x"}""");
        Add(t, "text.input", $$"""{"text":{{System.Text.Json.JsonSerializer.Serialize(text)}}}""");
        return this;
    }

    private void Add(double t, string type, string data) => _events.Add(new StoredEvent(_events.Count + 1, t, type, data));

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
