using SelfRef.Core.Privacy;

namespace SelfRef.Core.Storage;

/// <summary>How a store keeps its data: where the session keys live, what identifies, how much one session may store.</summary>
public sealed record StoreOptions
{
    /// <summary>
    /// Default per-session quota. A pen point is logged as about 40 bytes of JSON
    /// (<c>[x,y,t,pressure,tiltX,tiltY]</c>, wwwroot/tasks/pen.js); a stylus reporting 240 points a second
    /// (coalesced events), drawn without a pause, plus one <c>pen.points</c> envelope per frame, is about
    /// 13 KB a second: 24 MB for 30 minutes of continuous drawing, a mouse at 60–125 Hz 9–14 MB.
    /// 64 MB leaves more than twice the worst of these.
    /// </summary>
    public const int DefaultSessionQuotaMegabytes = 64;

    /// <summary>Folder of the session key file; null: "{database}-keys" beside the database.</summary>
    public string? KeyFolder { get; init; }

    /// <summary>Which answers and event fields are sealed with the identifier key (destroyed when retention ends).</summary>
    public IdentifyingData Identifying { get; init; } = IdentifyingData.None;

    /// <summary>The most event data one session may store (sealed bytes); a batch beyond it is refused.</summary>
    public long SessionQuotaBytes { get; init; } = DefaultSessionQuotaMegabytes * 1024L * 1024;

    /// <summary>
    /// Unwraps a per-session key of an earlier SelfRef (Data Protection, from the key folder), so
    /// that a database written by it can be migrated; null: such a database cannot be opened.
    /// </summary>
    public Func<string, string>? LegacyKeyUnwrap { get; init; }

    /// <summary>
    /// How long the store keeps what it knows of a session (its durable event numbers and stored
    /// bytes after its last stored batch, its experiment after it was last read): one to two of
    /// these, counted while the server writes (the caches turn after a commit). Later it reads them
    /// from the file again (one query, and the session's batches for its stored bytes). Zero: after
    /// every commit (tests).
    /// </summary>
    public TimeSpan SessionCacheGeneration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Where the store says what it did on opening (a migration); null: nowhere.</summary>
    public Action<string>? Log { get; init; }

    public static string DefaultKeyFolder(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, Path.GetFileNameWithoutExtension(databasePath) + "-keys");
}
