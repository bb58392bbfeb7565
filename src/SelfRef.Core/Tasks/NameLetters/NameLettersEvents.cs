using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>
/// The events wwwroot/tasks/name-letters.js logs, and their data read back from the store. t is ms
/// since the step's onset frame (a pick's from the click's event.timeStamp).
/// </summary>
public static class NameLettersEvents
{
    /// <summary>The grid as this page load shows it: {seed, letters (in the order shown, row by row), columns}.</summary>
    public const string Grid = "letters.grid";
    /// <summary>A letter picked: {letter, index (its place in the grid, 0-based), pt}.</summary>
    public const string Pick = "letters.pick";
    /// <summary>A picked letter let go again: {letter, index, pt}.</summary>
    public const string Unpick = "letters.unpick";

    /// <param name="Seed">the page's random seed of the shuffle (kept for the tab's reloads).</param>
    /// <param name="Letters">the letters in the order shown, row by row.</param>
    public sealed record GridData(long Seed, IReadOnlyList<string> Letters, int Columns);

    /// <param name="Index">the letter's place in the grid (0-based, row by row).</param>
    /// <param name="Pt">pointerType of the click: mouse, touch, pen, or keyboard.</param>
    public sealed record PickData(string Letter, int Index, string? Pt);

    // A picked letter is most often an initial of the participant's name (the effect the task
    // measures), and its place in the grid gives the letter away as well.
    public static readonly IReadOnlyList<EventDeclaration> All =
    [
        EventDeclaration.Of<GridData>(Grid, "The letters as this page load shows them, in their shuffled order (logged as the grid appears)."),
        EventDeclaration.Of<PickData>(Pick, "A letter was picked.", "letter", "index"),
        EventDeclaration.Of<PickData>(Unpick, "A picked letter was let go again.", "letter", "index"),
    ];

    /// <summary>A grid as logged, with the page load (segment of the step's timeline) that showed it.</summary>
    public sealed record GridEvent(double T, int Segment, IReadOnlyList<string> Letters, int Columns);

    /// <summary>A pick or unpick as logged.</summary>
    public sealed record PickEvent(double T, int Segment, bool Picked, string Letter, int Index, string? Pointer);

    public static IEnumerable<GridEvent> Grids(IEnumerable<StoredEvent> events)
    {
        foreach (var e in events.Where(e => e.Type == Grid))
            if (Data(e) is { } d && d.TryGetProperty("letters", out var list) && list.ValueKind == JsonValueKind.Array)
                yield return new GridEvent(e.T, e.Segment,
                    list.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!).ToList(),
                    d.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var columns) ? columns : 0);
    }

    /// <summary>Picks and unpicks in the order of the step's timeline; those whose letter is gone (retention) are skipped.</summary>
    public static IEnumerable<PickEvent> Picks(IEnumerable<StoredEvent> events)
    {
        foreach (var e in events.Where(e => e.Type is Pick or Unpick))
            if (Data(e) is { } d && d.TryGetProperty("letter", out var l) && l.ValueKind == JsonValueKind.String)
                yield return new PickEvent(e.T, e.Segment, e.Type == Pick, l.GetString()!,
                    d.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var index) ? index : -1,
                    d.TryGetProperty("pt", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
    }

    private static JsonElement? Data(StoredEvent e)
    {
        if (string.IsNullOrEmpty(e.DataJson)) return null;
        try
        {
            using var document = JsonDocument.Parse(e.DataJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
