namespace SelfRef.Core.Tasks.Pen;

/// <summary>How the first word ended.</summary>
public enum WordEnd { Pause, NewLine, EndOfWriting }

/// <summary>The strokes written first, up to the first pause or line break.</summary>
public sealed record FirstWord(IReadOnlyList<int> Strokes, Box Box, double StartMs, double EndMs, WordEnd EndedBy)
{
    public double DurationMs => EndMs - StartMs;
}

public static class FirstWordSegmentation
{
    // A dot or a short dash as first stroke has almost no height; a line is at least this tall (share of the sheet).
    private const double MinimumLineHeight = 0.03;

    /// <summary>
    /// The first word: strokes in the order written until the next one starts after a pause
    /// longer than <paramref name="gapMs"/> (from the end of the previous stroke) or starts a new
    /// line, i.e. its top lies more than <paramref name="newLineHeights"/> word heights below the
    /// first word's top.
    /// </summary>
    public static FirstWord? Find(IReadOnlyList<PenStroke> strokes, double gapMs, double newLineHeights)
    {
        var ordered = strokes.Where(s => s.Points.Count > 0).OrderBy(s => s.Start).ToList();
        if (ordered.Count == 0) return null;
        var word = new List<PenStroke> { ordered[0] };
        var box = ordered[0].Box;
        var end = WordEnd.EndOfWriting;
        foreach (var next in ordered.Skip(1))
        {
            var previousEnd = word.Max(s => s.End);
            if (next.Start - previousEnd > gapMs) { end = WordEnd.Pause; break; }
            if (next.Box.Top > box.Top + newLineHeights * Math.Max(box.Height, MinimumLineHeight)) { end = WordEnd.NewLine; break; }
            word.Add(next);
            box = box.Union(next.Box);
        }
        return new FirstWord(word.Select(s => s.Index).ToList(), box, word[0].Start, word.Max(s => s.End), end);
    }
}
