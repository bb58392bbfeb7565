using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>
/// A handwritten sheet as the replay (wwwroot/js/pen-replay.js, the coding view) draws it, served as
/// strokes.json: every stroke with its points and real timing, which strokes make the first word,
/// and the sheet's shape.
/// </summary>
public static class PenReplay
{
    public const string DataName = "strokes";

    public static object Data(PenStep step, IReadOnlyList<StoredEvent> events)
    {
        var strokes = PenStrokes.From(events);
        return new
        {
            aspect = Aspect(events),
            firstWord = FirstWordSegmentation.Find(strokes, step.FirstWordGapMs, step.NewLineHeights)?.Strokes,
            strokes = strokes.Select(s => new { index = s.Index, points = s.Points.Select(p => new[] { p.X, p.Y, p.T, p.Pressure }) }),
        };
    }

    /// <summary>The sheet's width / height as the participant saw it when they started writing (1.5 when it was not logged).</summary>
    public static double Aspect(IEnumerable<StoredEvent> events)
    {
        var sheet = events.LastOrDefault(e => e.Type == "pen.sheet" && e.DataJson is not null);
        if (sheet is null) return 1.5;
        using var doc = JsonDocument.Parse(sheet.DataJson!);
        var width = doc.RootElement.GetProperty("width").GetDouble();
        var height = doc.RootElement.GetProperty("height").GetDouble();
        return height > 0 ? width / height : 1.5;
    }
}
