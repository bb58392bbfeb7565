using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>Where the report went and what it computed.</summary>
public sealed record ReportOutput(
    ReplicationResults Results, string HtmlPath, string MarkdownPath, string JsonPath, string OutcomesPath,
    IReadOnlyList<string> FigurePaths);

/// <summary>
/// The replication report: report.html (self-contained), report.md, results.json,
/// outcomes.csv and figures/*.png|svg, all written to one folder.
/// </summary>
public static class ReplicationReport
{
    /// <param name="readFrom">
    /// The outcome CSV that <paramref name="outcomes"/> are, row for row (read whole with <see cref="OutcomeCsv.Read(string)"/>, none
    /// left out), if any. When counting them changes nothing (no repeated participant and task, no respelled name) and the file has
    /// the header <see cref="OutcomeCsv.Write(string, IEnumerable{OutcomeRow}, IEnumerable{string})"/> writes, the report's copy of
    /// the table is the file's bytes instead of the rows written again (110 MiB for a million rows).
    /// </param>
    public static ReportOutput Write(IReadOnlyList<OutcomeRow> outcomes, ReportOptions options, string outDir, string? readFrom = null)
    {
        var given = outcomes;
        var generatedAt = options.GeneratedAt ?? DateTimeOffset.UtcNow;
        options = options.Versions is null ? options with { Versions = PooledVersion.FromRows(outcomes) } : options;
        var results = ReplicationResults.Compute(outcomes, options);
        // From here on the rows as counted: one per participant and task, names as the report spells them.
        outcomes = results.Tidy.Rows;
        var figureDir = Path.Combine(outDir, "figures");
        Directory.CreateDirectory(figureDir);
        // The copy of the table (the biggest file) is written on another thread while the figures render.
        var tidyRows = outcomes;
        var outcomesPath = Path.Combine(outDir, "outcomes.csv");
        var copyFile = readFrom is not null && ReferenceEquals(tidyRows, given) && OutcomeCsv.HasWrittenHeader(readFrom);
        var table = Task.Run(() =>
        {
            // The same file (a report written over the folder it was read from) is already the copy.
            if (copyFile && Path.GetFullPath(readFrom!) == Path.GetFullPath(outcomesPath)) return;
            if (copyFile) File.Copy(readFrom!, outcomesPath, overwrite: true);
            else OutcomeCsv.Write(outcomesPath, tidyRows);
        });
        ReportOutput output;
        try
        {
            var figures = ReportFigures.Create(results, options, outcomes).Select(f => RenderedFigure.From(f)).ToList();
            var blocks = ReportContent.Build(results, options, figures, generatedAt);

            var figurePaths = new List<string>();
            foreach (var f in figures)
            {
                var png = Path.Combine(figureDir, f.Name + ".png");
                var svg = Path.Combine(figureDir, f.Name + ".svg");
                File.WriteAllBytes(png, f.Png);
                File.WriteAllText(svg, f.Svg);
                figurePaths.Add(png);
                figurePaths.Add(svg);
            }

            output = new ReportOutput(
                results,
                Path.Combine(outDir, "report.html"),
                Path.Combine(outDir, "report.md"),
                Path.Combine(outDir, "results.json"),
                outcomesPath,
                figurePaths);
            File.WriteAllText(output.HtmlPath, HtmlRenderer.Render(options.ExperimentTitle, blocks));
            File.WriteAllText(output.MarkdownPath, MarkdownRenderer.Render(blocks));
            File.WriteAllText(output.JsonPath, ResultsJson.Serialize(ResultsJson.Create(results, options, generatedAt)));
        }
        catch
        {
            // Let the table's writer finish before the failure leaves (a caller may delete the folder).
            table.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            throw;
        }
        table.GetAwaiter().GetResult();
        return output;
    }

    /// <summary>For a command-line verb: read an outcome CSV and write the report.</summary>
    public static ReportOutput WriteFromCsv(string outcomesCsv, ReportOptions options, string outDir) =>
        Write(OutcomeCsv.Read(outcomesCsv), options, outDir, readFrom: outcomesCsv);
}
