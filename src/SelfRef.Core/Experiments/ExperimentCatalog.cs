using System.Collections.Immutable;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Experiments;

/// <summary>What is wrong with one experiment file, and what is served meanwhile.</summary>
/// <param name="File">The file's name (without folder).</param>
/// <param name="Errors">Every error found, each naming the file, the JSON path and what was expected.</param>
/// <param name="KeptExperiment">The experiment whose last valid version (<paramref name="KeptVersion"/>) keeps running while the file is wrong; null when it was never valid (nothing is served from it).</param>
public sealed record ExperimentFileProblem(string File, IReadOnlyList<ExperimentError> Errors, string? KeptExperiment = null, ExperimentVersion? KeptVersion = null);

/// <summary>What one look at the folder changed: versions now served, experiments no longer served, files found wrong.</summary>
public sealed record CatalogUpdate(IReadOnlyList<ExperimentVersion> Served, IReadOnlyList<string> Withdrawn, IReadOnlyList<ExperimentFileProblem> NewProblems, IReadOnlyList<string> Repaired)
{
    public bool Changed => Served.Count > 0 || Withdrawn.Count > 0 || NewProblems.Count > 0 || Repaired.Count > 0;

    /// <summary>One line per change, for the log.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var v in Served) yield return $"{v.ExperimentId}: serving version {v.Short} from {v.File} (new sessions start on it; running sessions keep theirs)";
        foreach (var id in Withdrawn) yield return $"{id}: no valid file defines it any more; it takes no new participants (running sessions go on)";
        foreach (var file in Repaired) yield return $"{file}: valid again";
        foreach (var p in NewProblems)
            yield return $"{p.File}: {p.Errors.Count} error(s); " + (p.KeptExperiment is null ? "nothing is served from it" : $"{p.KeptExperiment} keeps running version {p.KeptVersion!.Short}")
                + string.Concat(p.Errors.Select(e => $"\n  {e.JsonPath}: {e.Message}"));
    }
}

/// <summary>
/// The one place that holds the experiments: the version of each that new sessions start on, and
/// every version ever served (stored in the database, so a session is read by the version it
/// started on after the file changed or the server restarted). The experiments folder is read with
/// <see cref="Rescan"/> (at start and whenever it changes): a new or changed valid file becomes its
/// experiment's new version at once; a file with errors keeps the last valid version running (or
/// serves nothing if it never had one) and is listed in <see cref="Problems"/>. Thread-safe; readers
/// see one consistent snapshot.
/// </summary>
public sealed class ExperimentCatalog
{
    /// <param name="Parsed">What the content reads as on its own; <paramref name="Valid"/> is null also when another file serves its id (a duplicate is decided again at every look).</param>
    private sealed record FileState(string Hash, string Text, Experiment? Valid, IReadOnlyList<ExperimentError> Errors, string? LastValidId, Experiment? Parsed = null);

    private sealed record State(
        ImmutableDictionary<string, ExperimentHistory> Histories,
        ImmutableDictionary<string, FileState> Files,
        ImmutableDictionary<string, string> ServedBy,
        IReadOnlyList<ExperimentFileProblem> Problems);

    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly IdentifyingData? _identifying;
    private readonly SemaphoreSlim _scan = new(1, 1);
    private volatile State _state;

    /// <param name="folder">The experiments folder; null for a catalog of experiments given as objects (<see cref="Of"/>).</param>
    /// <param name="identifying">Told what identifies in every version, whenever versions change (the store seals by it).</param>
    private ExperimentCatalog(IStore store, string? folder, TimeProvider time, IdentifyingData? identifying)
    {
        _store = store;
        _time = time;
        _identifying = identifying;
        Folder = folder is null ? null : Path.GetFullPath(folder);
        var stored = store.ExperimentVersions().GroupBy(v => v.ExperimentId, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => new ExperimentHistory(g.Key, g.ToList(), null), StringComparer.Ordinal);
        _state = new State(stored, ImmutableDictionary.Create<string, FileState>(StringComparer.Ordinal), ImmutableDictionary.Create<string, string>(StringComparer.Ordinal), []);
    }

    /// <summary>
    /// The catalog of an experiments folder, read now. Throws only when the folder cannot be read;
    /// wrong files are in <see cref="Problems"/>.
    /// </summary>
    /// <exception cref="ExperimentLoadException">the folder does not exist or cannot be listed.</exception>
    public static ExperimentCatalog Load(string folder, IStore store, TimeProvider? time = null, IdentifyingData? identifying = null)
    {
        var catalog = new ExperimentCatalog(store, folder, time ?? TimeProvider.System, identifying);
        catalog.Rescan().GetAwaiter().GetResult();
        return catalog;
    }

    /// <summary>A catalog of experiments given as objects (tests, tools): each is a version (its JSON text), served as given.</summary>
    public static ExperimentCatalog Of(IStore store, IEnumerable<Experiment> experiments, TimeProvider? time = null, IdentifyingData? identifying = null)
    {
        var catalog = new ExperimentCatalog(store, null, time ?? TimeProvider.System, identifying);
        var state = catalog._state;
        var histories = state.Histories;
        var now = catalog.Now;
        foreach (var experiment in experiments)
        {
            var version = ExperimentVersion.Of(experiment, now);
            histories = histories.SetItem(experiment.Id, catalog.Serve(histories.GetValueOrDefault(experiment.Id), version, experiment).GetAwaiter().GetResult());
        }
        catalog.Publish(state with { Histories = histories });
        return catalog;
    }

    public string? Folder { get; }

    /// <summary>Raised after a look at the folder changed something (served versions, problems).</summary>
    public event Action<CatalogUpdate>? Changed;

    /// <summary>The experiments new sessions can start in, by id.</summary>
    public IReadOnlyList<Experiment> Experiments =>
        _state.Histories.Values.Where(h => h.CurrentVersion is not null).OrderBy(h => h.Id, StringComparer.Ordinal).Select(h => h.Current).OfType<Experiment>().ToList();

    /// <summary>Every experiment with a stored version, served or not.</summary>
    public IReadOnlyCollection<ExperimentHistory> Histories => _state.Histories.Values.ToList();

    public ExperimentHistory? History(string id) => _state.Histories.GetValueOrDefault(id);

    /// <summary>The version new sessions of the experiment start on; null when it is not served.</summary>
    public Experiment? Current(string id) => History(id)?.Current;

    /// <summary>The experiment as the session's version says (see <see cref="ExperimentHistory.ExperimentOf"/>); null for an experiment never seen.</summary>
    public Experiment? ExperimentOf(Session session) => History(session.ExperimentId)?.ExperimentOf(session);

    /// <summary>Files that are wrong, with their errors, in file order.</summary>
    public IReadOnlyList<ExperimentFileProblem> Problems => _state.Problems;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Reads the folder again: files whose content changed are validated; a valid one becomes its
    /// experiment's current version (stored as a new version if its content was never seen). One
    /// look at a time.
    /// </summary>
    public async Task<CatalogUpdate> Rescan()
    {
        if (Folder is null) return new CatalogUpdate([], [], [], []);
        await _scan.WaitAsync();
        try { return await RescanNow(Folder); }
        finally { _scan.Release(); }
    }

    private async Task<CatalogUpdate> RescanNow(string folder)
    {
        string[] paths;
        try
        {
            paths = Directory.GetFiles(folder, "*.json")
                .Where(f => !Path.GetFileName(f).Equals(ExperimentSchema.FileName, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var message = e is DirectoryNotFoundException
                ? "experiments folder not found (run from the repository root or pass --experiments <folder>)"
                : $"the experiments folder cannot be read: {e.Message}";
            throw new ExperimentLoadException([new ExperimentError(folder, "$", message)]);
        }

        var before = _state;
        var files = ImmutableDictionary.CreateBuilder<string, FileState>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var name = Path.GetFileName(path);
            var previous = before.Files.GetValueOrDefault(name);
            string text;
            try { text = await File.ReadAllTextAsync(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                files[name] = new FileState("", "", null, [new ExperimentError(path, "$", $"cannot read the file: {e.Message}")], previous?.LastValidId);
                continue;
            }
            var hash = ExperimentVersion.HashOf(text);
            if (previous is not null && previous.Hash == hash)
            {
                files[name] = previous.Parsed is { } parsed ? previous with { Valid = parsed, Errors = [], LastValidId = parsed.Id } : previous;
                continue;
            }
            var result = ExperimentLoader.Parse(text, path);
            files[name] = result.Ok
                ? new FileState(hash, text, result.Experiment, [], result.Experiment!.Id, result.Experiment)
                : new FileState(hash, text, null, result.Errors, previous?.LastValidId);
        }

        // Which file serves each experiment id: the one that did before, even while it is wrong for
        // now (it keeps its last valid version: a copy of the file must not take over in the middle
        // of an edit); else, after a restart, the file the newest stored version was read from (not
        // whichever copy sorts first); else the first by name.
        var servedBy = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var group in files.Where(f => f.Value.Valid is not null).GroupBy(f => f.Value.Valid!.Id, StringComparer.Ordinal))
        {
            var names = group.Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
            var previous = before.ServedBy.GetValueOrDefault(group.Key);
            var wrongForNow = previous is not null && !names.Contains(previous) && files.GetValueOrDefault(previous) is { Valid: null } was && was.LastValidId == group.Key;
            var keeper = wrongForNow ? previous!
                : names.FirstOrDefault(n => n == previous)
                ?? names.FirstOrDefault(n => previous is null && before.Histories.GetValueOrDefault(group.Key)?.Versions.LastOrDefault()?.File == n)
                ?? names[0];
            if (!wrongForNow) servedBy[group.Key] = keeper;
            foreach (var (other, state) in group.Where(f => f.Key != keeper).ToList())
                files[other] = state with
                {
                    Valid = null,
                    Errors = [new ExperimentError(Path.Combine(folder, other), "$.id", $"experiment id '{group.Key}' is already used by {keeper}")],
                    LastValidId = null,
                };
        }

        var histories = before.Histories;
        var served = new List<ExperimentVersion>();
        var withdrawn = new List<string>();
        foreach (var (id, file) in servedBy)
        {
            var state = files[file];
            var history = histories.GetValueOrDefault(id);
            if (history?.CurrentVersion?.Hash == state.Hash) continue;
            var version = history?.Versions.FirstOrDefault(v => v.Hash == state.Hash)
                ?? new ExperimentVersion { ExperimentId = id, Hash = state.Hash, SeenAt = Now, File = file, Text = state.Text };
            histories = histories.SetItem(id, await Serve(history, version, state.Valid!));
            served.Add(version);
        }
        // An experiment no valid file serves: kept while its own file is only wrong for now, else no longer served.
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var history in histories.Values.Where(h => h.CurrentVersion is not null && !servedBy.ContainsKey(h.Id)).ToList())
        {
            var wrongFiles = files.Where(f => f.Value.Valid is null && f.Value.LastValidId == history.Id).Select(f => f.Key).ToList();
            var wrongFile = wrongFiles.FirstOrDefault(f => f == before.ServedBy.GetValueOrDefault(history.Id)) ?? wrongFiles.FirstOrDefault();
            if (wrongFile is not null) kept[wrongFile] = history.Id;
            else
            {
                histories = histories.SetItem(history.Id, new ExperimentHistory(history.Id, history.Versions, null, history.Parsed));
                withdrawn.Add(history.Id);
            }
        }
        foreach (var (id, file) in kept) servedBy[id] = file;

        var problems = files.Where(f => f.Value.Valid is null).OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new ExperimentFileProblem(f.Key, f.Value.Errors, kept.GetValueOrDefault(f.Key),
                kept.TryGetValue(f.Key, out var id) ? histories[id].CurrentVersion : null))
            .ToList();
        var newProblems = problems.Where(p => before.Files.GetValueOrDefault(p.File) is not { Valid: null } old || old.Hash != files[p.File].Hash).ToList();
        var repaired = before.Problems.Select(p => p.File).Where(f => files.GetValueOrDefault(f)?.Valid is not null).ToList();

        Publish(new State(histories, files.ToImmutable(), servedBy.ToImmutable(), problems));
        var update = new CatalogUpdate(served, withdrawn, newProblems, repaired);
        if (update.Changed || problems.Count != before.Problems.Count) Changed?.Invoke(update);
        return update;
    }

    /// <summary>The history with this version current, the version stored first if it is new.</summary>
    private async Task<ExperimentHistory> Serve(ExperimentHistory? history, ExperimentVersion version, Experiment experiment)
    {
        var known = history?.Versions.FirstOrDefault(v => v.Hash == version.Hash);
        if (known is null) await _store.SaveExperimentVersion(version);
        var versions = known is null ? [.. history?.Versions ?? [], version] : history!.Versions;
        var parsed = new Dictionary<string, Lazy<Experiment?>>(history?.Parsed ?? new Dictionary<string, Lazy<Experiment?>>(), StringComparer.Ordinal)
        {
            [version.Hash] = new(() => experiment),
        };
        return new ExperimentHistory(version.ExperimentId, versions, version.Hash, parsed);
    }

    private void Publish(State state)
    {
        _state = state;
        // What identifies is what identifies in any version: a session is sealed by the rules of every version it may be read by.
        _identifying?.Update(state.Histories.Values.SelectMany(h => h.Readable().Select(p => p.Experiment)));
    }
}
