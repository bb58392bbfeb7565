using SelfRef.Simulation.Participants;

namespace SelfRef.Simulation.Load;

/// <summary>
/// A browser-shaped load run (<see cref="BrowserLoadGenerator"/>): a number of browsers, each
/// running one simulated participant after another through a whole experiment, with their events
/// sent as wwwroot/js/outbox.js sends them, second tabs, reloads, and withdrawals every few
/// seconds. Every count and time is bounded (<see cref="Validate"/>); the server must be on this
/// machine.
/// </summary>
public sealed record BrowserLoadOptions
{
    public const int MaxClients = 10_000;
    /// <summary>outbox.js: at most this many events in one batch (MAX_BATCH).</summary>
    public const int MaxBatchEvents = 200;
    /// <summary>outbox.js: a batch that failed is sent again after this long.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(1500);
    /// <summary>outbox.js: a connection that closed is opened again after this long.</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    /// <summary>The server's base address, e.g. http://127.0.0.1:5080.</summary>
    public required Uri BaseUrl { get; init; }
    /// <summary>The experiment every participant takes (its steps decide what they send).</summary>
    public string ExperimentId { get; init; } = "gallup-replication";
    /// <summary>Browsers open at once; each runs one participant after another.</summary>
    public int Clients { get; init; } = 100;
    /// <summary>How long participants keep arriving and acting; with <see cref="Until"/> the longest they may.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Ends the window as soon as it returns true (asked every 50 ms); <see cref="Duration"/> is then only the limit that catches a hang.</summary>
    public Func<LoadProgress, bool>? Until { get; init; }
    /// <summary>The browsers' first participants arrive spread evenly over this time, not all at once.</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// How a participant's pauses are played: a gap of more than one second between two of their
    /// events (reading the consent, thinking before writing) lasts 1 s + (gap − 1 s) × this.
    /// 1 plays them in real time; below 1 more sessions complete in a short run. Gaps of a
    /// second or less (strokes, frames, keystrokes) are always played as they are.
    /// </summary>
    public double PauseScale { get; init; } = 1;
    /// <summary>Share of participants who open the study in a second tab during their first task step.</summary>
    public double SecondTabShare { get; init; } = 0.1;
    /// <summary>Chance, for each step a participant is on, that they reload the page during it.</summary>
    public double ReloadShare { get; init; } = 0.05;
    /// <summary>A participant under way withdraws this often (null: nobody does).</summary>
    public TimeSpan? WithdrawEvery { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>After the window, time allowed for every tab to have its events acknowledged.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Most HTTP connections the browsers' page and API requests share.</summary>
    public int HttpConnections { get; init; } = 64;
    /// <summary>The same seed gives the same participants, pauses, tabs, reloads and withdrawals (the order they meet the server varies).</summary>
    public int Seed { get; init; } = 1;
    public Behaviour Behaviour { get; init; } = new();
    /// <summary>Called about every <see cref="ProgressInterval"/> while the run lasts.</summary>
    public Action<LoadProgress>? Progress { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a run with these options can take before it stops itself.</summary>
    public TimeSpan HardLimit => Ramp + Duration + DrainTimeout + TimeSpan.FromMinutes(2);

    /// <exception cref="ArgumentException">an option is out of its bounds or the server is not on this machine; the message names it.</exception>
    public void Validate()
    {
        if (!LoadOptions.IsLoopback(BaseUrl)) throw new ArgumentException($"the load generator talks to loopback addresses only, not {BaseUrl.Host}", nameof(BaseUrl));
        if (BaseUrl.Scheme is not ("http" or "https")) throw new ArgumentException("the base address must be http or https", nameof(BaseUrl));
        Check(!string.IsNullOrWhiteSpace(ExperimentId), "the experiment id is required");
        Check(Clients is >= 1 and <= MaxClients, $"clients must be between 1 and {MaxClients}, was {Clients}");
        Check(Duration > TimeSpan.Zero && Duration <= LoadOptions.MaxDuration, $"duration must be positive and at most {LoadOptions.MaxDuration}");
        Check(Ramp >= TimeSpan.Zero && Ramp <= LoadOptions.MaxWait, $"ramp must be between 0 and {LoadOptions.MaxWait}");
        Check(DrainTimeout >= TimeSpan.Zero && DrainTimeout <= LoadOptions.MaxWait, $"drain timeout must be between 0 and {LoadOptions.MaxWait}");
        Check(PauseScale is >= 0 and <= 1, $"pause scale must be between 0 and 1, was {PauseScale}");
        Check(SecondTabShare is >= 0 and <= 1, $"second-tab share must be between 0 and 1, was {SecondTabShare}");
        Check(ReloadShare is >= 0 and <= 1, $"reload share must be between 0 and 1, was {ReloadShare}");
        Check(WithdrawEvery is null || (WithdrawEvery >= TimeSpan.FromMilliseconds(100) && WithdrawEvery <= TimeSpan.FromHours(1)),
            "withdrawals must come between every 0.1 s and every hour");
        Check(HttpConnections is >= 1 and <= 1000, $"HTTP connections must be between 1 and 1000, was {HttpConnections}");
        Check(ProgressInterval >= TimeSpan.FromMilliseconds(100), "progress interval must be at least 100 ms");
        Behaviour.Validate();
    }

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message);
    }
}
