using System.CommandLine;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Preregistration;
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
    private static readonly Option<string> Experiment = VerbOptions.Text("--experiment", "ID", "The experiment whose sessions the database holds");
    private static readonly Option<string> Outcomes = VerbOptions.Text("--outcomes", "FILE.csv", "An outcome table instead of the database (participant, task, condition, self_reference, latency_ms, distance_km)");
    private static readonly Option<string> Out = new("--out") { HelpName = "DIR", Description = "The folder the report goes to", DefaultValueFactory = _ => "report" };
    private static readonly Option<string> Title = VerbOptions.Text("--title", "TEXT", "The report's title with --outcomes (default the file's name)");
    private static readonly Option<bool> IncludePilot = VerbOptions.Flag("--include-pilot", "Analyse researchers' pilot runs too (left out by default)");
    private static readonly Option<string> Prereg = VerbOptions.Text("--prereg", "FILE", "The study's preregistration draft written by prereg (or its JSON block alone): the report names every deviation from it");
    private static readonly Option<bool> IncludeExcluded = VerbOptions.Flag("--include-excluded", "Analyse sessions a researcher excluded too (left out by default; the report counts them by reason either way)");

    public static Verb Verb { get; } = new(
        new Command("analyze", "Write the replication report (HTML, Markdown, results.json, outcomes.csv, figures) from the database (the server stopped) or from an outcome table.")
        {
            Experiment, Outcomes, Out, Title, Prereg, IncludePilot, IncludeExcluded, SettingOption.Database, SettingOption.Store, SettingOption.ConnectionString, SettingOption.Keys, SettingOption.Experiments, SettingOption.Environment,
        },
        Run);

    private static int Run(VerbRun run)
    {
        var outDir = run.Get(Out)!;
        var outcomesFile = run.Get(Outcomes);
        var experimentId = run.Get(Experiment);
        if ((outcomesFile is null) == (experimentId is null))
            return run.Usage("give either --experiment ID (read the database) or --outcomes FILE.csv, and --out DIR");
        var choice = new AnalysisChoice(run.Get(IncludePilot), run.Get(IncludeExcluded));
        try
        {
            var plan = run.Get(Prereg) is { } preregFile ? PreregistrationPlan.Read(preregFile) : null;
            var report = outcomesFile is not null
                ? FromCsv(outcomesFile, run.Get(Title) ?? Path.GetFileNameWithoutExtension(outcomesFile), choice, outDir, plan)
                : FromStore(experimentId!, run.Settings, choice, outDir, plan);
            foreach (var task in report.Results.Tasks)
                run.Output.WriteLine(TaskSummaryLine.Of(task));
            if (report.Results.Deviations is { } deviations)
                run.Output.WriteLine(deviations.Items.Count == 0 ? "no deviations from the preregistration" : $"{deviations.Items.Count} deviation(s) from the preregistration, listed in the report");
            run.Output.WriteLine($"wrote {Path.GetFullPath(report.HtmlPath)}");
            run.Output.WriteLine($"      {Path.GetFullPath(report.MarkdownPath)}, {Path.GetFileName(report.JsonPath)}, {Path.GetFileName(report.OutcomesPath)} and {report.FigurePaths.Count} figure files");
            return 0;
        }
        catch (Exception e) when (e is OutcomeCsvException or ExperimentLoadException or IOException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            return run.Failed(e.Message);
        }
    }

    private static ReportOutput FromStore(string experimentId, SelfRefOptions settings, AnalysisChoice choice, string outDir, PreregistrationPlan? plan)
    {
        using var study = OpenedStudy.Open(settings);
        var history = study.Find(experimentId);
        // Sessions stored before outcomes were (or left while no server ran) get theirs now; older rules stay until `rederive`.
        new SessionService(study.Store, study.Catalog, TimeProvider.System, OfflineTaskServices.Deriver(settings.Gazetteer)).Rederive(experimentId, RederiveScope.Missing).GetAwaiter().GetResult();
        var analysis = ExperimentAnalysis.Of(history, study.Store, choice: choice);
        return ReplicationReport.Write(analysis.Rows, analysis.Options with { Preregistration = plan }, outDir);
    }

    /// <summary>The report of an outcome table: pilot runs and excluded rows (its pilot and excluded columns) left out unless chosen, exclusions counted by reason.</summary>
    private static ReportOutput FromCsv(string file, string title, AnalysisChoice choice, string outDir, PreregistrationPlan? plan)
    {
        var rows = OutcomeCsv.Read(file);
        // Without pilot or excluded rows to leave out, the rows analysed are the file's (and the report may copy it).
        var study = choice.IncludePilots || !rows.Any(r => r.Pilot) ? rows : rows.Where(r => !r.Pilot).ToList();
        var exclusions = study.Where(r => r.Excluded).GroupBy(r => r.ExclusionReason ?? "", StringComparer.Ordinal)
            .Select(g => new ExclusionCount(g.Key.Length > 0 ? g.Key : "no reason given", g.Select(r => r.Participant).Distinct().Count())).ToList();
        var analysed = choice.IncludeExcluded || !study.Any(r => r.Excluded) ? study : study.Where(r => !r.Excluded).ToList();
        return ReplicationReport.Write(analysed, new ReportOptions
        {
            ExperimentTitle = title,
            Exclusions = exclusions,
            ExcludedIncluded = choice.IncludeExcluded,
            PilotsIncluded = analysed.Where(r => r.Pilot).Select(r => r.Participant).Distinct().Count(),
            Preregistration = plan,
        }, outDir, readFrom: ReferenceEquals(analysed, rows) ? file : null);
    }
}
