namespace SelfRef.Simulation.Load;

/// <summary>
/// What a run did. <see cref="EventsLost"/> compares, per session, the events produced with the
/// server's durable count (<c>Durable(token)</c>); a session the server could not be asked about
/// counts all its events as lost.
/// </summary>
public sealed record LoadResult
{
    public required LoadOptions Options { get; init; }
    public required int SessionsStarted { get; init; }
    public required int ClientsConnected { get; init; }
    public required TimeSpan SetupTime { get; init; }
    /// <summary>The load window: from all clients connected to <see cref="LoadOptions.Duration"/> later.</summary>
    public required TimeSpan LoadTime { get; init; }
    /// <summary>From the end of the load window until every client had its events acknowledged or gave up.</summary>
    public required TimeSpan DrainTime { get; init; }
    public required long EventsProduced { get; init; }
    /// <summary>Events put on the wire, resends included.</summary>
    public required long EventsSent { get; init; }
    public required long EventsAcknowledged { get; init; }
    /// <summary>Events acknowledged while the load window was open.</summary>
    public required long EventsAcknowledgedInWindow { get; init; }
    public required long EventsDurable { get; init; }
    public required long BatchesAcknowledged { get; init; }
    public required long Retries { get; init; }
    public required long Timeouts { get; init; }
    public required long Disconnects { get; init; }
    public required long Reconnects { get; init; }
    /// <summary>From a batch's first send to its acknowledgement, resends included.</summary>
    public required LatencySummary AckLatency { get; init; }
    /// <summary>Latency of the one-event batches sent during setup (<see cref="LoadOptions.PrimeSessions"/>).</summary>
    public required LatencySummary FirstBatchLatency { get; init; }
    public required IReadOnlyList<SessionOutcome> Sessions { get; init; }
    /// <summary>Distinct problems met (at most a few dozen), with how often each occurred.</summary>
    public required IReadOnlyDictionary<string, int> Errors { get; init; }
    /// <summary>Per address of <see cref="LoadOptions.Instances"/>, in that order (one entry when there is one server).</summary>
    public required IReadOnlyList<InstanceResult> PerInstance { get; init; }
    /// <summary>The window ended because <see cref="LoadOptions.Until"/> was met, not because <see cref="LoadOptions.Duration"/> ran out.</summary>
    public bool UntilMet { get; init; }

    public long EventsLost => Sessions.Sum(s => s.Lost);
    public int SessionsUnverified => Sessions.Count(s => s.Durable is null);
    /// <summary>Acknowledged events per second of the load window.</summary>
    public double EventsPerSecond => LoadTime > TimeSpan.Zero ? EventsAcknowledgedInWindow / LoadTime.TotalSeconds : 0;
    public double EventsPerBatch => BatchesAcknowledged > 0 ? (double)EventsAcknowledged / BatchesAcknowledged : 0;
    /// <summary>Every client connected, every session verified, nothing lost.</summary>
    public bool Complete => ClientsConnected == Options.Clients && SessionsUnverified == 0 && EventsLost == 0;
}

/// <summary>The clients of one instance (<see cref="LoadOptions.Instances"/>).</summary>
/// <param name="Sessions">sessions started there (a client that could not start one counts nowhere).</param>
/// <param name="EventsAcknowledged">over the whole run, window and drain.</param>
/// <param name="AckLatency">of its clients' batches, as <see cref="LoadResult.AckLatency"/>.</param>
public sealed record InstanceResult(Uri BaseUrl, int Sessions, long EventsAcknowledged, LatencySummary AckLatency);

/// <param name="Durable">the server's answer to <c>Durable(token)</c> at the end; null if it could not be asked.</param>
public sealed record SessionOutcome(string Token, long Produced, long Acknowledged, long? Durable)
{
    public long Lost => Math.Max(0, Produced - (Durable ?? 0));
}

/// <summary>Latencies in milliseconds.</summary>
public sealed record LatencySummary(int Count, double Mean, double P50, double P90, double P99, double Max)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(List<double> values)
    {
        if (values.Count == 0) return Empty;
        values.Sort();
        return new LatencySummary(values.Count, values.Average(), Quantile(values, 0.50), Quantile(values, 0.90), Quantile(values, 0.99), values[^1]);
    }

    /// <summary>Nearest-rank quantile of sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
