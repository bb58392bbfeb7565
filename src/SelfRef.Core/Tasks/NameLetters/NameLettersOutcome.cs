using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>
/// What a participant did first in a name-letter step: the first letter picked and when (from the
/// grid's onset), the grid that page load showed when it was picked, and how many letters were
/// picked when the participant left (picks minus unpicks, over every reload and tab).
/// </summary>
public sealed record NameLettersOutcome(NameLettersEvents.PickEvent? FirstPick, NameLettersEvents.GridEvent? Grid, int Picked)
{
    public double? LatencyMs => FirstPick?.T;

    public static NameLettersOutcome Extract(IReadOnlyList<StoredEvent> stepEvents)
    {
        // In the order they happened on the step's timeline (StepEvents.Of); within a tab, by number.
        var events = stepEvents.OrderBy(e => e.T).ThenBy(e => e.N).ToList();
        var picks = NameLettersEvents.Picks(events).ToList();
        var first = picks.FirstOrDefault(p => p.Picked);
        // Each page load shows its own grid (another tab may have drawn another order): the one the first letter was picked from.
        var grids = NameLettersEvents.Grids(events).ToList();
        var grid = first is null ? grids.FirstOrDefault()
            : grids.LastOrDefault(g => g.Segment == first.Segment && g.T <= first.T) ?? grids.FirstOrDefault(g => g.Segment == first.Segment);
        var picked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pick in picks)
            if (pick.Picked) picked.Add(pick.Letter);
            else picked.Remove(pick.Letter);
        return new NameLettersOutcome(first, grid, picked.Count);
    }
}
