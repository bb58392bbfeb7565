using SelfRef.Core.Sessions;

namespace SelfRef.Core.Experiments;

/// <summary>
/// Every version of one experiment the server has seen, and the one it serves now (null when no
/// valid file defines it any more: its sessions still read by their versions). Immutable: a change
/// of the file makes a new history (see <see cref="ExperimentCatalog"/>).
/// </summary>
public sealed class ExperimentHistory
{
    private readonly IReadOnlyDictionary<string, Lazy<Experiment?>> _read;

    public ExperimentHistory(string id, IReadOnlyList<ExperimentVersion> versions, string? currentHash, IReadOnlyDictionary<string, Lazy<Experiment?>>? read = null)
    {
        Id = id;
        Versions = versions.OrderBy(v => v.SeenAt).ThenBy(v => v.Hash, StringComparer.Ordinal).ToList();
        _read = Versions.ToDictionary(v => v.Hash, v => read?.GetValueOrDefault(v.Hash) ?? new Lazy<Experiment?>(v.Read), StringComparer.Ordinal);
        CurrentVersion = currentHash is null ? null : Versions.FirstOrDefault(v => v.Hash == currentHash)
            ?? throw new ArgumentException($"version {currentHash} is not one of {id}'s", nameof(currentHash));
    }

    /// <summary>A history of one version: an experiment given as an object (tests, tools).</summary>
    public static ExperimentHistory Single(Experiment experiment)
    {
        var version = ExperimentVersion.Of(experiment, DateTime.UnixEpoch);
        return new ExperimentHistory(experiment.Id, [version], version.Hash,
            new Dictionary<string, Lazy<Experiment?>> { [version.Hash] = new(() => experiment) });
    }

    public string Id { get; }
    /// <summary>Oldest first.</summary>
    public IReadOnlyList<ExperimentVersion> Versions { get; }
    /// <summary>The version new sessions start on; null while no valid file defines the experiment.</summary>
    public ExperimentVersion? CurrentVersion { get; }
    public Experiment? Current => CurrentVersion is null ? null : Read(CurrentVersion.Hash);
    /// <summary>The current version, else the newest that reads: what the researcher's pages show of the experiment as a whole.</summary>
    public Experiment Latest => Current ?? Versions.Reverse().Select(v => Read(v.Hash)).OfType<Experiment>().First();

    /// <summary>The parsed versions, for sharing with the next history.</summary>
    internal IReadOnlyDictionary<string, Lazy<Experiment?>> Parsed => _read;

    public Experiment? Read(string hash) => _read.TryGetValue(hash, out var lazy) ? lazy.Value : null;

    /// <summary>
    /// The version a session is pinned to: the one it started on; a session from before versions
    /// were kept belongs to the earliest (the file as it was when versions began).
    /// </summary>
    public ExperimentVersion? VersionOf(Session session) =>
        Versions.FirstOrDefault(v => v.Hash == session.Version) ?? (session.Version.Length == 0 ? Versions.FirstOrDefault() : null);

    /// <summary>The experiment as the session's version says; the latest when that version is unknown here (a copied database).</summary>
    public Experiment ExperimentOf(Session session) =>
        (VersionOf(session) is { } version ? Read(version.Hash) : null) ?? Latest;

    /// <summary>The version's hash as outcome rows and exports name it.</summary>
    public string HashOf(Session session) => VersionOf(session)?.Hash ?? session.Version;

    /// <summary>Every version that reads, oldest first.</summary>
    public IEnumerable<(ExperimentVersion Version, Experiment Experiment)> Readable() =>
        Versions.Select(v => (v, Read(v.Hash))).Where(p => p.Item2 is not null).Select(p => (p.v, p.Item2!));
}
