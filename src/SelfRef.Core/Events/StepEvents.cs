using System.Text.Json;

namespace SelfRef.Core.Events;

/// <summary>
/// A step's events as one timeline: every tab (stream) and every page load (a reload starts the
/// step's clock again at its new onset frame) moved onto the clock of the step's first onset, so
/// that what was done before a reload counts, and latency is from the first time the step was
/// shown. Each page load's onset says when it was on a clock all loads share (step.onset's "at",
/// performance.timeOrigin + the frame time; older events: "wall", Date.now()).
/// </summary>
public static class StepEvents
{
    public static IReadOnlyList<StoredEvent> Of(IEnumerable<StoredBatch> batches, string stepId)
    {
        var ofStep = batches.Where(b => b.Step == stepId).ToList();
        if (ofStep.Count == 0) return [];
        var loads = new List<(double? Start, List<StoredEvent> Events, int StreamOrder)>();
        var streams = ofStep.GroupBy(b => b.Stream).OrderBy(s => s.Min(b => b.ReceivedAt)).ToList();
        for (var order = 0; order < streams.Count; order++)
        {
            var events = streams[order].OrderBy(b => b.Seq).SelectMany(b => b.Events).OrderBy(e => e.N).ToList();
            loads.AddRange(PageLoads(events).Select(load => (load.Start, load.Events, order)));
        }
        var anchor = loads.Where(l => l.Start is not null).Select(l => l.Start!.Value).DefaultIfEmpty(0).Min();
        var timeline = new List<(StoredEvent Event, int Stream)>();
        for (var segment = 0; segment < loads.Count; segment++)
        {
            var (start, events, stream) = loads[segment];
            var offset = start is { } s ? Math.Round(s - anchor, 3) : 0;
            foreach (var e in events) timeline.Add((e with { T = e.T + offset, Offset = offset, Segment = segment }, stream));
        }
        return timeline.OrderBy(x => x.Event.T).ThenBy(x => x.Stream).ThenBy(x => x.Event.N).Select(x => x.Event).ToList();
    }

    /// <summary>
    /// A stream's events split by page load: each load begins with what its page logged while
    /// rendering (before its onset frame, so at t ≤ 0) followed by its step.onset.
    /// </summary>
    private static IEnumerable<(double? Start, List<StoredEvent> Events)> PageLoads(List<StoredEvent> events)
    {
        var onsets = events.Select((e, i) => (e, i)).Where(x => x.e.Type == CommonEvents.Onset).Select(x => x.i).ToList();
        if (onsets.Count == 0)
        {
            yield return (null, events);
            yield break;
        }
        var starts = new List<int>();
        foreach (var onset in onsets)
        {
            var first = onset;
            var previous = starts.Count == 0 ? 0 : onsets[starts.Count - 1] + 1;
            while (first > previous && events[first - 1].T <= 0 && events[first - 1].Type != CommonEvents.Onset) first--;
            starts.Add(starts.Count == 0 ? 0 : first);
        }
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] : events.Count;
            yield return (OnsetTime(events[onsets[k]]), events.GetRange(starts[k], end - starts[k]));
        }
    }

    private static double? OnsetTime(StoredEvent onset)
    {
        if (onset.DataJson is null) return null;
        try
        {
            using var document = JsonDocument.Parse(onset.DataJson);
            var data = document.RootElement;
            foreach (var name in new[] { "at", "wall" })
                if (data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var ms) && double.IsFinite(ms))
                    return ms - onset.T;
        }
        catch (JsonException) { }
        return null;
    }
}
