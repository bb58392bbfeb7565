namespace SelfRef.Simulation.Load;

/// <summary>How simulated clients produce events.</summary>
public enum LoadMode
{
    /// <summary>Each client produces <see cref="LoadOptions.EventsPerSecond"/> and sends what is pending every <see cref="LoadOptions.BatchInterval"/>.</summary>
    Rate,
    /// <summary>Each client sends <see cref="LoadOptions.SaturationBatchSize"/> new events as soon as its previous batch is acknowledged.</summary>
    Saturation,
}

/// <summary>
/// One load run against a SelfRef server on this machine. Every count and time is bounded
/// (see <see cref="Validate"/>), and the server must be on a loopback address.
/// </summary>
public sealed record LoadOptions
{
    public const int MaxClients = 10_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    /// <summary>The server's base address, e.g. http://127.0.0.1:5080.</summary>
    public required Uri BaseUrl { get; init; }
    /// <summary>
    /// Further instances of the same deployment (one database, one backplane). Client i talks to
    /// <see cref="Instances"/>[i mod their number] only, from its session's start to its last
    /// batch: two instances get the clients half and half.
    /// </summary>
    public IReadOnlyList<Uri> OtherInstances { get; init; } = [];
    /// <summary><see cref="BaseUrl"/> followed by <see cref="OtherInstances"/>.</summary>
    public IReadOnlyList<Uri> Instances => [BaseUrl, .. OtherInstances];
    public string ExperimentId { get; init; } = "gallup-pen";
    /// <summary>The step the events belong to: each client goes on to it first (consent, instructions), then sends its pen points there.</summary>
    public string Step { get; init; } = "pen";
    public int Clients { get; init; } = 5;
    public LoadMode Mode { get; init; } = LoadMode.Rate;
    /// <summary>Events each client produces per second (rate mode).</summary>
    public double EventsPerSecond { get; init; } = 20;
    /// <summary>How often a client sends what it has produced (rate mode).</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Events per batch in saturation mode.</summary>
    public int SaturationBatchSize { get; init; } = 5;
    /// <summary>At most this many events in one batch, as the browser's outbox (MAX_BATCH).</summary>
    public int MaxBatchEvents { get; init; } = 200;
    /// <summary>How long clients produce events, once all are connected; with <see cref="Until"/> the longest they may.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Ends the load window as soon as it returns true (asked about every 50 ms once the window
    /// is open), so that a test runs until something has happened a number of times rather
    /// than for a stretch of wall time; <see cref="Duration"/> is then only the limit that
    /// catches a hang (<see cref="LoadResult.UntilMet"/> says which ended the window).
    /// </summary>
    public Func<LoadProgress, bool>? Until { get; init; }
    /// <summary>Time allowed to start the sessions and open the connections.</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>Sessions started and connections opened at the same time during setup.</summary>
    public int SetupConcurrency { get; init; } = 32;
    /// <summary>A batch not acknowledged within this time is sent again.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Wait before a failed batch is sent again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Attempts per batch before the client gives up (its events then count as lost); also attempts to start a session and to connect.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>Time allowed after <see cref="Duration"/> for pending events to be acknowledged.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// Each client sends one event as soon as it is connected, before the load window opens,
    /// as a page does when it shows its first step. The window then measures steady ingestion,
    /// and the first batches' latency (a new session's first write) is reported on its own.
    /// </summary>
    public bool PrimeSessions { get; init; }
    /// <summary>Seed of the simulated pen data and the clients' start offsets.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Called about every <see cref="ProgressInterval"/> while the run lasts.</summary>
    public Action<LoadProgress>? Progress { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a run with these options can take before it stops itself.</summary>
    public TimeSpan HardLimit => SetupTimeout + Duration + DrainTimeout + TimeSpan.FromSeconds(60);

    /// <exception cref="ArgumentException">an option is out of its bounds or the server is not on this machine.</exception>
    public void Validate()
    {
        foreach (var url in Instances)
        {
            if (!IsLoopback(url)) throw new ArgumentException($"the load generator talks to loopback addresses only, not {url.Host}", nameof(BaseUrl));
            if (url.Scheme is not ("http" or "https")) throw new ArgumentException($"a base address must be http or https, not {url}", nameof(BaseUrl));
        }
        Check(Instances.Distinct().Count() == Instances.Count, "each instance's address must be given once");
        Check(Clients is >= 1 and <= MaxClients, $"clients must be between 1 and {MaxClients}");
        Check(Duration > TimeSpan.Zero && Duration <= MaxDuration, $"duration must be positive and at most {MaxDuration}");
        Check(SetupTimeout > TimeSpan.Zero && SetupTimeout <= MaxWait, $"setup timeout must be positive and at most {MaxWait}");
        Check(DrainTimeout >= TimeSpan.Zero && DrainTimeout <= MaxWait, $"drain timeout must be between 0 and {MaxWait}");
        Check(AckTimeout > TimeSpan.Zero && AckTimeout <= MaxWait, $"ack timeout must be positive and at most {MaxWait}");
        Check(RetryDelay >= TimeSpan.Zero && RetryDelay <= TimeSpan.FromSeconds(30), "retry delay must be between 0 and 30 s");
        Check(MaxAttempts is >= 1 and <= 100, "attempts per batch must be between 1 and 100");
        Check(SetupConcurrency is >= 1 and <= 1000, "setup concurrency must be between 1 and 1000");
        Check(MaxBatchEvents is >= 1 and <= 1000, "events per batch must be between 1 and 1000 (the server's limit)");
        Check(ProgressInterval >= TimeSpan.FromMilliseconds(100), "progress interval must be at least 100 ms");
        Check(!string.IsNullOrWhiteSpace(ExperimentId) && !string.IsNullOrWhiteSpace(Step), "experiment and step are required");
        if (Mode == LoadMode.Rate)
        {
            Check(EventsPerSecond > 0 && EventsPerSecond <= 1000, "events per second per client must be above 0 and at most 1000");
            Check(BatchInterval >= TimeSpan.FromMilliseconds(10) && BatchInterval <= TimeSpan.FromSeconds(10), "batch interval must be between 10 ms and 10 s");
        }
        else Check(SaturationBatchSize >= 1 && SaturationBatchSize <= MaxBatchEvents, $"saturation batch size must be between 1 and {MaxBatchEvents}");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message);
    }

    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (System.Net.IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
}

/// <summary>Where a run is, for a progress display.</summary>
public sealed record LoadProgress(LoadPhase Phase, TimeSpan Elapsed, int Sessions, int Connected, long Produced, long Acknowledged, long Retries)
{
    /// <summary>Ack latencies of the batches acknowledged since the previous report.</summary>
    public LatencySummary RecentAckLatency { get; init; } = LatencySummary.Empty;
    public long Disconnects { get; init; }
    public long Reconnects { get; init; }
    /// <summary>Browser-shaped runs only (<see cref="BrowserLoadGenerator"/>): visits, tabs, reloads, withdrawals.</summary>
    public BrowserCounts? Browser { get; init; }
}

public enum LoadPhase { Setup, Load, Drain, Verify, Done }
