using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>
/// What a participant did first in a pen step: when (latency from the sheet's onset to the first
/// stroke or key), and what (the first word's strokes, or the first typed token).
/// </summary>
public sealed record PenOutcome(
    PenInput Input,
    double? LatencyMs,
    int StrokeCount,
    string? PointerType,
    FirstWord? FirstWord,
    FirstToken? FirstToken)
{
    public bool Acted => LatencyMs is not null;

    public static PenOutcome Extract(PenStep step, IEnumerable<StoredEvent> stepEvents)
    {
        // In the order they happened on the step's timeline (StepEvents.Of); within a tab, by number.
        var events = stepEvents.OrderBy(e => e.T).ThenBy(e => e.N).ToList();
        if (step.Input == PenInput.Keyboard)
        {
            var firstKey = events.FirstOrDefault(e => e.Type == "key.down");
            return new PenOutcome(PenInput.Keyboard, firstKey?.T, 0, "keyboard", null, KeyboardFirstToken.Find(events, step.FirstWordGapMs));
        }
        var strokes = PenStrokes.From(events);
        return new PenOutcome(
            PenInput.Pen,
            strokes.Count > 0 ? strokes.Min(s => s.Start) : null,
            strokes.Count,
            strokes.FirstOrDefault()?.PointerType,
            FirstWordSegmentation.Find(strokes, step.FirstWordGapMs, step.NewLineHeights),
            null);
    }
}
