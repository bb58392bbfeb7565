using System.CommandLine;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;
using SelfRef.Stats.Export;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>
/// `export [--experiment ID] --format csv|jsonl|psych-ds --out FOLDER`: the participant, outcome
/// and event tables with their codebook, from the database. Without --experiment every experiment
/// goes to its own subfolder. Identifiers only with --include-identifiers and a confirmation: the
/// experiment id typed at the prompt, or --confirm-identifiers ID for scripts.
/// </summary>
public static class ExportCommand
{
    private static readonly Option<string> Experiment = VerbOptions.Text("--experiment", "ID", "The experiment to export (default every experiment, each to its own subfolder)");
    private static readonly Option<ExportFormat?> Format = new("--format")
    {
        HelpName = string.Join("|", ExportFormats.Names),
        Description = "The file format [default: csv]",
        CustomParser = result => ExportFormats.Parse(result.Tokens[0].Value) is { } format ? format : Unknown(result),
    };
    private static readonly Option<string> Out = new("--out") { HelpName = "FOLDER", Description = "Where the files go: a new or empty folder", Required = true };
    private static readonly Option<bool> IncludeIdentifiers = VerbOptions.Flag("--include-identifiers", "Include identifiers (names, home towns, recruitment ids), after typing the experiment id when asked");
    private static readonly Option<string> ConfirmIdentifiers = VerbOptions.Text("--confirm-identifiers", "ID", "The experiment id, confirming --include-identifiers in a script");
    private static readonly Option<bool> IncludePilot = VerbOptions.Flag("--include-pilot", "Write researchers' pilot runs too, marked in the pilot column (left out by default)");
    private static readonly Option<double> CoarseCoordinates = VerbOptions.Number("--coarse-coordinates",
        "Without identifiers: keep the coordinates of what participants did (first targets, map views and clicks) rounded to a grid of KM km, at least 25 (left out by default)", 0, "KM");

    public static Verb Verb { get; } = new(
        new Command("export", "Write the participant, outcome and event tables with their codebook from the database (the server stopped).")
        {
            Experiment, Format, Out, IncludeIdentifiers, ConfirmIdentifiers, IncludePilot, CoarseCoordinates, SettingOption.Database, SettingOption.Store, SettingOption.ConnectionString, SettingOption.Keys, SettingOption.Experiments, SettingOption.Environment,
        },
        Run);

    private static ExportFormat? Unknown(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"unknown --format '{result.Tokens[0].Value}'; use {string.Join(", ", ExportFormats.Names)}");
        return null;
    }

    private static int Run(VerbRun run)
    {
        var outDir = run.Get(Out)!;
        var experimentId = run.Get(Experiment);
        var format = run.Get(Format) ?? ExportFormat.Csv;
        var include = run.Get(IncludeIdentifiers);
        var confirmation = run.Get(ConfirmIdentifiers);
        if (confirmation is not null && !include)
            return run.Usage("--confirm-identifiers is only for --include-identifiers; without it identifiers are left out anyway");
        if (include && experimentId is null)
            return run.Usage("--include-identifiers needs --experiment ID: identifiers are confirmed one experiment at a time");
        CoarseGrid? coarse = null;
        if (run.Given(CoarseCoordinates))
        {
            if (include) return run.Usage("--coarse-coordinates is for exports without identifiers; with --include-identifiers coordinates are written exactly");
            try { coarse = CoarseGrid.Of(run.Get(CoarseCoordinates)); }
            catch (ArgumentOutOfRangeException e) { return run.Usage($"--coarse-coordinates: {e.Message.Split(" (Parameter")[0]}"); }
        }
        try
        {
            var settings = run.Settings;
            var database = settings.DatabasePath;
            if (!settings.UsesPostgres && !File.Exists(database)) throw new IOException($"no database at {database}; give its path with --db FILE (or the setting SelfRef:Database)");
            // Through the server's keys: identifiers are encrypted in the file (and only read when included).
            // Every experiment the database knows, each session by the version it ran on; a wrong file stops only what needs it.
            using var study = OpenedStudy.Open(settings);
            var chosen = experimentId is null ? study.Catalog.Histories.OrderBy(h => h.Id, StringComparer.Ordinal).ToList() : [study.Find(experimentId)];
            if (include && !Confirmed(chosen[0].Latest, confirmation, run.Input, run.Output, run.Error)) return 1;

            var folders = chosen.ToDictionary(e => e.Id, e => Path.GetFullPath(experimentId is null ? Path.Combine(outDir, e.Id) : outDir));
            foreach (var folder in folders.Values.Where(f => Directory.Exists(f) && Directory.EnumerateFileSystemEntries(f).Any()))
                throw new IOException($"the folder {folder} is not empty; choose a new one so that no earlier export is overwritten");

            foreach (var problem in study.Catalog.Problems)
                run.Error.WriteLine($"export: {problem.File} has errors and is not read ({problem.Errors[0].JsonPath}: {problem.Errors[0].Message}); its experiment's stored versions are exported");
            var pilots = run.Get(IncludePilot);
            foreach (var experiment in chosen)
            {
                var folder = folders[experiment.Id];
                var options = new ExportOptions(format, include, DateTime.UtcNow) { CoarseCoordinates = coarse };
                var files = WriteComplete(folder, partial => ExperimentExport.Write(ExportSource.From(experiment, study.Store, pilots), options, path => Create(partial, path)));
                run.Output.WriteLine($"{experiment.Id}: wrote {files.Count} files to {folder} ({format.Name()}, identifiers {(include ? "INCLUDED" : "left out")}" +
                    $"{(coarse is null ? "" : $", coordinates rounded to {coarse.Km:0.#} km")}{(pilots ? ", pilot runs included" : "")})");
                foreach (var file in files)
                    run.Output.WriteLine($"  {file.Path}{(file.Rows is { } rows ? $"  {rows:N0} rows" : "")}");
            }
            return 0;
        }
        catch (Exception e) when (e is ExperimentLoadException or IOException or UnauthorizedAccessException)
        {
            return run.Failed(e.Message);
        }
        catch (ExportFailedException e)
        {
            return run.Failed(e.Message);
        }
    }

    private sealed class ExportFailedException(string message, Exception inner) : Exception(message, inner);

    /// <summary>
    /// The export is written into a hidden folder beside <paramref name="folder"/> and renamed to it
    /// only when complete, so that a crash or an error leaves no partial export under the final name
    /// (an error removes the hidden folder; a killed process may leave it, named ".…partial-…").
    /// </summary>
    private static T WriteComplete<T>(string folder, Func<string, T> write)
    {
        var parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        var partial = Path.Combine(parent, $".{Path.GetFileName(folder)}.partial-{Guid.NewGuid():N}"[..^24]);
        Directory.CreateDirectory(partial);
        T result;
        try { result = write(partial); }
        catch (Exception e)
        {
            Directory.Delete(partial, recursive: true);
            if (e is IOException or UnauthorizedAccessException) throw;
            throw new ExportFailedException($"the export of {Path.GetFileName(folder)} failed ({e.GetType().Name}: {e.Message}); nothing was written to {folder}", e);
        }
        // An empty final folder (the user made it) gives way; a non-empty one was refused before anything was written.
        if (Directory.Exists(folder)) Directory.Delete(folder);
        Directory.Move(partial, folder);
        return result;
    }

    /// <summary>The researcher says twice that identifiers may leave the database: the option, then the experiment id.</summary>
    private static bool Confirmed(Experiment experiment, string? confirmation, TextReader input, TextWriter output, TextWriter error)
    {
        if (confirmation is null)
        {
            output.WriteLine($"An export with identifiers contains {Codebook.IdentifierList(experiment)}.");
            output.Write($"Type the experiment id ({experiment.Id}) to include them: ");
            output.Flush();
            confirmation = input.ReadLine()?.Trim();
        }
        if (confirmation == experiment.Id) return true;
        error.WriteLine(confirmation is null
            ? $"export: identifiers not confirmed (no answer); nothing was written. In a script, add --confirm-identifiers {experiment.Id}"
            : $"export: '{confirmation}' is not the experiment id '{experiment.Id}'; identifiers not confirmed, nothing was written");
        return false;
    }

    private static FileStream Create(string folder, string path)
    {
        var full = Path.Combine(folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }
}
