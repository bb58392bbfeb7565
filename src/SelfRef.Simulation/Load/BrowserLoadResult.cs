namespace SelfRef.Simulation.Load;

/// <summary>How a simulated participant's visit ended.</summary>
public enum VisitEnd
{
    /// <summary>Reached the debrief, which waited until every event was acknowledged.</summary>
    Completed,
    /// <summary>Declined consent: the server keeps only the refusal, none of the events.</summary>
    Declined,
    /// <summary>Withdrew (POST /api/p/{token}/withdraw): the server must keep nothing of the session.</summary>
    Withdrawn,
    /// <summary>Left during a step, as the behaviour's drop-out draw said.</summary>
    DroppedOut,
    /// <summary>Still under way when the window closed.</summary>
    Unfinished,
    /// <summary>The server did not answer as a browser expects (see the run's errors).</summary>
    Failed,
}

/// <summary>One tab's stream at the end: events logged, the highest acknowledged, events the page dropped (refused for good, or the session gone), events still waiting.</summary>
public sealed record StreamOutcome(string Stream, long Produced, long Acknowledged, long Dropped, long Pending);

/// <summary>One participant's visit: their session, how it ended, and each tab's stream.</summary>
public sealed record VisitOutcome(string? Token, VisitEnd End, IReadOnlyList<StreamOutcome> Streams)
{
    /// <summary>The server must keep every acknowledged event of these; of withdrawn and declined sessions it must keep none.</summary>
    public bool Kept => Token is not null && End is not (VisitEnd.Withdrawn or VisitEnd.Declined);
}

/// <summary>An erasure the run asked for, on the run's clock: a withdrawal, from the request to its answer.</summary>
public sealed record Withdrawal(TimeSpan At, TimeSpan Took, int Status);

/// <summary>Counts of a browser-shaped run so far, for its per-second timeline.</summary>
public sealed record BrowserCounts(
    int Active, int Started, int Completed, int Declined, int Withdrawn, int DroppedOut, int Failed,
    int TabsOpen, int SecondTabs, int Reloads, int ReloadsAfterStoredBatch, int Withdrawals,
    double OldestInFlightMs, double OldestPendingMs);

/// <summary>What a browser-shaped run did. Whether the server kept what it acknowledged is checked afterwards (<see cref="BrowserCheck"/>).</summary>
public sealed record BrowserLoadResult
{
    public required BrowserLoadOptions Options { get; init; }
    public required TimeSpan LoadTime { get; init; }
    public required TimeSpan DrainTime { get; init; }
    public required bool UntilMet { get; init; }
    public required long EventsProduced { get; init; }
    public required long EventsSent { get; init; }
    public required long EventsAcknowledged { get; init; }
    public required long EventsAcknowledgedInWindow { get; init; }
    public required long BatchesAcknowledged { get; init; }
    public required long Retries { get; init; }
    public required long Disconnects { get; init; }
    public required long Reconnects { get; init; }
    public required int SecondTabs { get; init; }
    public required int Reloads { get; init; }
    /// <summary>Reloads after which the server turned out to hold the batch that was in flight when the page went.</summary>
    public required int ReloadsAfterStoredBatch { get; init; }
    /// <summary>From sending a batch to its acknowledgement (every Append call that was answered).</summary>
    public required LatencySummary AckLatency { get; init; }
    /// <summary>How late the generator logged events against their participants' schedule: if this grows, the generator, not the server, sets the pace.</summary>
    public required LatencySummary ScheduleLag { get; init; }
    /// <summary>The gazetteer requests the pages made on the side (map labels when the view settles, place suggestions while typing).</summary>
    public required LatencySummary PlacesLatency { get; init; }
    public required IReadOnlyList<VisitOutcome> Visits { get; init; }
    public required IReadOnlyList<Withdrawal> Withdrawals { get; init; }
    /// <summary>Distinct problems met (at most a few dozen), with how often each occurred.</summary>
    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    public int Count(VisitEnd end) => Visits.Count(v => v.End == end);
    public double EventsPerSecond => LoadTime > TimeSpan.Zero ? EventsAcknowledgedInWindow / LoadTime.TotalSeconds : 0;
    public double EventsPerBatch => BatchesAcknowledged > 0 ? (double)EventsAcknowledged / BatchesAcknowledged : 0;
    /// <summary>Events of kept sessions still waiting for an acknowledgement when the drain ended.</summary>
    public long EventsUnacknowledged => Visits.Where(v => v.Kept).Sum(v => v.Streams.Sum(s => s.Pending));
}
