using SelfRef.Core.Experiments;
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
    public const string Usage = "usage: export [--experiment ID] [--format csv|jsonl|psych-ds] --out FOLDER [--db FILE] [--keys FOLDER] [--experiments FOLDER] [--include-identifiers [--confirm-identifiers ID]]";

    public static int Run(CommandLine command, TextReader input, TextWriter output, TextWriter error)
    {
        var outDir = command.Option("--out");
        var experimentId = command.Option("--experiment");
        var formatName = command.Option("--format") ?? "csv";
        var include = command.Flag("--include-identifiers");
        var confirmation = command.Option("--confirm-identifiers");
        if (outDir is null)
        {
            error.WriteLine($"export: say where the files go with --out FOLDER\n{Usage}");
            return 2;
        }
        if (ExportFormats.Parse(formatName) is not { } format)
        {
            error.WriteLine($"export: unknown format '{formatName}'; use {string.Join(", ", ExportFormats.Names)}");
            return 2;
        }
        if (confirmation is not null && !include)
        {
            error.WriteLine("export: --confirm-identifiers is only for --include-identifiers; without it identifiers are left out anyway");
            return 2;
        }
        if (include && experimentId is null)
        {
            error.WriteLine("export: --include-identifiers needs --experiment ID: identifiers are confirmed one experiment at a time");
            return 2;
        }
        try
        {
            var experiments = ExperimentLoader.LoadFolder(Path.GetFullPath(command.Option("--experiments") ?? "experiments"));
            var chosen = experimentId is null ? experiments : [experiments.FirstOrDefault(e => e.Id == experimentId)
                ?? throw new IOException($"no experiment '{experimentId}'; known: {string.Join(", ", experiments.Select(e => e.Id))}")];
            if (include && !Confirmed(chosen[0], confirmation, input, output, error)) return 1;

            var database = Path.GetFullPath(command.Option("--db") ?? "data/selfref.db");
            if (!File.Exists(database)) throw new IOException($"no database at {database}; give its path with --db FILE");
            var folders = chosen.ToDictionary(e => e.Id, e => Path.GetFullPath(experimentId is null ? Path.Combine(outDir, e.Id) : outDir));
            foreach (var folder in folders.Values.Where(f => Directory.Exists(f) && Directory.EnumerateFileSystemEntries(f).Any()))
                throw new IOException($"the folder {folder} is not empty; choose a new one so that no earlier export is overwritten");

            // Through the server's keys: identifiers are encrypted in the file (and only read when included).
            var keys = command.Option("--keys") is { } keyFolder ? Path.GetFullPath(keyFolder) : IdentifierProtection.DefaultKeyFolder(database);
            using var store = IdentifierProtection.OpenStore(database, keys, experiments);
            foreach (var experiment in chosen)
            {
                var folder = folders[experiment.Id];
                var files = ExperimentExport.Write(ExportSource.From(experiment, store), new ExportOptions(format, include, DateTime.UtcNow), path => Create(folder, path));
                output.WriteLine($"{experiment.Id}: wrote {files.Count} files to {folder} ({format.Name()}, identifiers {(include ? "INCLUDED" : "left out")})");
                foreach (var file in files)
                    output.WriteLine($"  {file.Path}{(file.Rows is { } rows ? $"  {rows:N0} rows" : "")}");
            }
            return 0;
        }
        catch (Exception e) when (e is ExperimentLoadException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"export: {e.Message}");
            return 1;
        }
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
