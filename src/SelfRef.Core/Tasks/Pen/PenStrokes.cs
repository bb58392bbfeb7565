using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>A point of a stroke: position normalised to the sheet (0..1), ms since the sheet's onset, pressure.</summary>
public sealed record PenPoint(double X, double Y, double T, double Pressure);

/// <summary>A box in sheet coordinates (0..1; y grows downwards).</summary>
public sealed record Box(double Left, double Top, double Right, double Bottom)
{
    public double Width => Right - Left;
    public double Height => Bottom - Top;

    public static Box Around(IEnumerable<PenPoint> points)
    {
        double left = double.MaxValue, top = double.MaxValue, right = double.MinValue, bottom = double.MinValue;
        foreach (var p in points)
        {
            left = Math.Min(left, p.X); right = Math.Max(right, p.X);
            top = Math.Min(top, p.Y); bottom = Math.Max(bottom, p.Y);
        }
        return new Box(left, top, right, bottom);
    }

    public Box Union(Box other) =>
        new(Math.Min(Left, other.Left), Math.Min(Top, other.Top), Math.Max(Right, other.Right), Math.Max(Bottom, other.Bottom));
}

public sealed record PenStroke(int Index, string PointerType, IReadOnlyList<PenPoint> Points)
{
    public double Start => Points[0].T;
    public double End => Points[^1].T;
    public Box Box => Box.Around(Points);
}

/// <summary>The strokes of a pen step, rebuilt from the logged pen.down / pen.points events.</summary>
public static class PenStrokes
{
    /// <summary>
    /// The strokes of a step's timeline (StepEvents.Of), numbered in the order they began. A
    /// stroke is known by its page load and its number there, since a reload or a second tab
    /// numbers its strokes from 0 again; its points' times are moved onto the timeline too.
    /// </summary>
    public static IReadOnlyList<PenStroke> From(IEnumerable<StoredEvent> events)
    {
        var strokes = new Dictionary<(int Segment, int S), (string PointerType, List<PenPoint> Points)>();
        foreach (var e in events)
        {
            if (e.DataJson is null || e.Type is not ("pen.down" or "pen.points")) continue;
            using var doc = JsonDocument.Parse(e.DataJson);
            var data = doc.RootElement;
            var key = (e.Segment, data.GetProperty("s").GetInt32());
            if (e.Type == "pen.down")
            {
                strokes[key] = (data.TryGetProperty("pt", out var pt) ? pt.GetString() ?? "" : "",
                    [new PenPoint(data.GetProperty("x").GetDouble(), data.GetProperty("y").GetDouble(), e.T, Pressure(data, "p"))]);
                continue;
            }
            if (!strokes.TryGetValue(key, out var stroke)) continue;
            foreach (var p in data.GetProperty("pts").EnumerateArray())
                stroke.Points.Add(new PenPoint(p[0].GetDouble(), p[1].GetDouble(), p[2].GetDouble() + e.Offset, p.GetArrayLength() > 3 ? p[3].GetDouble() : 0.5));
        }
        return strokes.Values.OrderBy(s => s.Points[0].T).Select((s, i) => new PenStroke(i, s.PointerType, s.Points)).ToList();
    }

    private static double Pressure(JsonElement data, string name) =>
        data.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0.5;
}
