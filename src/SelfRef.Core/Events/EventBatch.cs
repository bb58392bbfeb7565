using System.Text.Json;

namespace SelfRef.Core.Events;

/// <summary>
/// Events as the browser sends them: numbered consecutively per session and stream, so the
/// batch's events are <see cref="Seq"/>, Seq+1, …; all of one step. A stream is one browser tab
/// (kept across its reloads): two tabs of one session number their events independently, so
/// neither can take the other's events for resends.
/// </summary>
public sealed record EventBatch(long Seq, string Step, IReadOnlyList<ClientEvent> Events, string Stream = "")
{
    public long Last => Seq + Events.Count - 1;
}

/// <summary>One event: ms since the step's onset frame (from event.timeStamp), a type, and its data.</summary>
public sealed record ClientEvent(double T, string Type, JsonElement? Data);

/// <summary>A batch as stored: one document per batch, never one per point.</summary>
public sealed record StoredBatch(string SessionId, string Stream, long Seq, long Last, string Step, DateTime ReceivedAt, IReadOnlyList<StoredEvent> Events);

/// <summary>
/// One stored event. <see cref="T"/> is ms since the step's onset frame; in a step's timeline
/// (StepEvents.Of) it is moved onto the step's first onset across page loads and tabs, by
/// <see cref="Offset"/> (add it to times inside the data, e.g. pen points), and
/// <see cref="Segment"/> numbers the page load (tab or reload) it came from.
/// </summary>
public sealed record StoredEvent(long N, double T, string Type, string? DataJson)
{
    public double Offset { get; init; }
    public int Segment { get; init; }
}
