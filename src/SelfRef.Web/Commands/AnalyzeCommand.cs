using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Storage;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Commands;

/// <summary>
/// `analyze --experiment ID | --outcomes FILE.csv --out DIR`: the replication report (HTML,
/// Markdown, results.json, outcomes.csv, figures) from the store or from an outcome table.
/// </summary>
public static class AnalyzeCommand
{
    public static int Run(CommandLine command, TextWriter output, TextWriter error)
    {
        var outDir = command.Option("--out") ?? "report";
        var outcomesFile = command.Option("--outcomes");
        var experimentId = command.Option("--experiment");
        if ((outcomesFile is null) == (experimentId is null))
        {
            error.WriteLine("analyze: give either --experiment ID (read the database) or --outcomes FILE.csv, and --out DIR");
            return 2;
        }
        try
        {
            var report = outcomesFile is not null ? FromCsv(outcomesFile, command, outDir) : FromStore(experimentId!, command, outDir);
            foreach (var task in report.Results.Tasks)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{task.Task}: {task.K}/{task.N} = {task.Proportion:P1} (95 % CI {task.Wilson.Low:P1}–{task.Wilson.High:P1}), reference {task.Reference:P1}, exact binomial p = {task.Binomial?.PValue:G3}"));
            output.WriteLine($"wrote {Path.GetFullPath(report.HtmlPath)}");
            output.WriteLine($"      {Path.GetFullPath(report.MarkdownPath)}, {Path.GetFileName(report.JsonPath)}, {Path.GetFileName(report.OutcomesPath)} and {report.FigurePaths.Count} figure files");
            return 0;
        }
        catch (Exception e) when (e is OutcomeCsvException or ExperimentLoadException or IOException or System.Security.Cryptography.CryptographicException)
        {
            error.WriteLine($"analyze: {e.Message}");
            return 1;
        }
    }

    private static ReportOutput FromCsv(string file, CommandLine command, string outDir) =>
        ReplicationReport.WriteFromCsv(file, new ReportOptions { ExperimentTitle = command.Option("--title") ?? Path.GetFileNameWithoutExtension(file) }, outDir);

    private static ReportOutput FromStore(string experimentId, CommandLine command, string outDir)
    {
        var experiments = ExperimentLoader.LoadFolder(Path.GetFullPath(command.Option("--experiments") ?? "experiments"));
        var experiment = experiments.FirstOrDefault(e => e.Id == experimentId)
            ?? throw new IOException($"no experiment '{experimentId}'; known: {string.Join(", ", experiments.Select(e => e.Id))}");
        var database = Path.GetFullPath(command.Option("--db") ?? "data/selfref.db");
        var keys = command.Option("--keys") is { } folder ? Path.GetFullPath(folder) : IdentifierProtection.DefaultKeyFolder(database);
        using var store = IdentifierProtection.OpenStore(database, keys, experiments);
        var analysis = ExperimentAnalysis.Of(experiment, store);
        return ReplicationReport.Write(analysis.Rows, analysis.Options, outDir);
    }
}
