namespace SelfRef.Core.Experiments;

/// <summary>An experiment file as it is on disk now: its name, text and the hash of that text (the version it would be).</summary>
/// <param name="Hash">SHA-256 of <paramref name="Text"/> (see <see cref="ExperimentVersion.HashOf"/>); empty when the file does not exist (yet).</param>
public sealed record ExperimentSource(string Id, string File, string Text, string Hash);

public enum SaveOutcome
{
    /// <summary>Written, and the catalog serves it as the experiment's current version.</summary>
    Saved,
    /// <summary>Not written: the text has errors (the same as <c>validate</c> names).</summary>
    Invalid,
    /// <summary>Not written: the file changed since the editor loaded it (someone else saved, or the file was edited on disk).</summary>
    Stale,
    /// <summary>Not written: the experiment to save over is not known here.</summary>
    NotFound,
}

/// <param name="Source">The file after the save (Saved), or as it is on disk now (Stale).</param>
/// <param name="Version">The version the catalog serves after a save.</param>
public sealed record SaveResult(SaveOutcome Outcome, IReadOnlyList<ExperimentError> Errors, ExperimentSource? Source = null, ExperimentVersion? Version = null);

/// <summary>
/// Reads and writes the experiments folder's files for the browser editor. A save goes through the
/// folder, as a researcher's own editor would: the file is written in one step and the catalog reads
/// the folder, so a valid change becomes the experiment's new version (running sessions keep theirs)
/// and nothing is served that <c>validate</c> would refuse. Saves name the file's hash they started
/// from and are refused when the file has changed since (optimistic concurrency), so one researcher's
/// save never silently replaces another's or a change made on disk.
/// </summary>
public sealed class ExperimentFiles(ExperimentCatalog catalog)
{
    // One save at a time: the check of the file's hash and the write belong together.
    private readonly SemaphoreSlim _write = new(1, 1);

    /// <summary>The file that defines the experiment, as it is on disk now (it may be wrong for now, or gone); null for an unknown experiment.</summary>
    public ExperimentSource? Source(string id)
    {
        if (catalog.Folder is not { } folder || catalog.History(id) is not { } history) return null;
        var file = history.CurrentVersion?.File ?? history.Versions.LastOrDefault()?.File;
        if (string.IsNullOrEmpty(file)) file = FileNameOf(id);
        var text = ReadOrNull(Path.Combine(folder, file));
        // A file removed since: the editor starts from the newest version the server kept.
        return text is null
            ? new ExperimentSource(id, file, history.Versions[^1].Text, "")
            : new ExperimentSource(id, file, text, ExperimentVersion.HashOf(text));
    }

    /// <summary>
    /// What is wrong with the text as the experiment <paramref name="editing"/> (null for a new one):
    /// every error <see cref="ExperimentLoader.Parse"/> finds, as <c>validate</c> reports them, and,
    /// once it reads, an id that does not fit (changed while editing, or already taken by another experiment).
    /// </summary>
    public IReadOnlyList<ExperimentError> Check(string text, string? editing)
    {
        var file = editing is null ? "new experiment" : Source(editing)?.File ?? FileNameOf(editing);
        var result = ExperimentLoader.Parse(text, file);
        if (!result.Ok) return result.Errors;
        var id = result.Experiment!.Id;
        if (editing is not null && id != editing)
            return [new ExperimentError(file, "$.id", $"the id cannot change while editing '{editing}' (sessions and links are stored under it); to make another experiment from this one, start a new experiment from it as a template")];
        if (editing is null && catalog.History(id) is not null)
            return [new ExperimentError(file, "$.id", $"experiment id '{id}' is already used; choose another")];
        if (editing is null && catalog.Folder is { } folder && File.Exists(Path.Combine(folder, FileNameOf(id))))
            return [new ExperimentError(file, "$.id", $"a file {FileNameOf(id)} already exists in the experiments folder; choose another id")];
        return [];
    }

    /// <summary>
    /// Saves the text as the experiment <paramref name="editing"/> (null: a new experiment, written to
    /// {id}.json) if it has no errors and the file on disk still has the hash <paramref name="baseHash"/>
    /// (empty: the file must not exist). Returns once the catalog has read the folder.
    /// </summary>
    public async Task<SaveResult> Save(string text, string? editing, string baseHash)
    {
        if (catalog.Folder is not { } folder) throw new InvalidOperationException("this catalog has no experiments folder to save into");
        if (editing is not null && catalog.History(editing) is null) return new SaveResult(SaveOutcome.NotFound, []);
        await _write.WaitAsync();
        try
        {
            var errors = Check(text, editing);
            if (errors.Count > 0) return new SaveResult(SaveOutcome.Invalid, errors);
            var source = editing is null ? null : Source(editing);
            var id = editing ?? ExperimentLoader.Parse(text, "new experiment").Experiment!.Id;
            var file = source?.File ?? FileNameOf(id);
            var path = Path.Combine(folder, file);
            var onDisk = ReadOrNull(path) is { } current ? ExperimentVersion.HashOf(current) : "";
            if (onDisk != baseHash)
                return new SaveResult(SaveOutcome.Stale, [new ExperimentError(file, "$", onDisk.Length == 0
                    ? $"{file} was removed since you opened it"
                    : $"{file} has changed since you opened it (version {ExperimentVersion.ShortOf(onDisk)}); reload it, or copy your text and start again from the new version")],
                    source);

            // In one step, as editors that save atomically do: the folder's watcher and a running
            // look at the folder never see half a file.
            var temporary = Path.Combine(folder, $".{file}.{Guid.NewGuid():N}.tmp");
            await File.WriteAllTextAsync(temporary, text);
            File.Move(temporary, path, overwrite: true);
            await catalog.Rescan();

            var saved = new ExperimentSource(id, file, text, ExperimentVersion.HashOf(text));
            var problem = catalog.Problems.FirstOrDefault(p => p.File == file);
            if (problem is not null) return new SaveResult(SaveOutcome.Invalid, problem.Errors, saved);
            return new SaveResult(SaveOutcome.Saved, [], saved, catalog.History(id)?.CurrentVersion);
        }
        finally { _write.Release(); }
    }

    public static string FileNameOf(string id) => id + ".json";

    private static string? ReadOrNull(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
    }
}
