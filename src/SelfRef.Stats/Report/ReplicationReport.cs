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
        options = options.Versions is null ? options with { Versions = PooledVersion.FromRows(outcomes) } : options;
        var results = ReplicationResults.Compute(outcomes, options);
        // From here on the rows as counted: one per participant and task, names as the report spells them.
        var tidyRows = results.Tidy.Rows;
        var copyFile = readFrom is not null && !results.Tidy.Changed && OutcomeCsv.HasWrittenHeader(readFrom);
        return Write(results, options, outDir, tidyRows, path =>
        {
            if (copyFile) Copy(readFrom!, path);
            else OutcomeCsv.Write(path, tidyRows);
        });
    }

    /// <summary>
    /// For a command-line verb: the report of an outcome CSV, read once as a stream (its rows counted as they come, never
    /// held in memory). With a <paramref name="selection"/>, pilot runs and excluded sessions are left out as it says and
    /// the options get the exclusions counted by reason, as <c>analyze --outcomes</c> reports them; without one every row
    /// is analysed and the options are used as they are.
    /// </summary>
    public static ReportOutput WriteFromCsv(string outcomesCsv, ReportOptions options, string outDir, CsvSelection? selection = null)
    {
        var chosen = new RowChoice(selection);
        var outlines = options.CountryOutlines is { } file && File.Exists(file);
        var pass = new OutcomePass(options, keepRows: false, nameVersions: true, keepMapRows: outlines);
        foreach (var row in OutcomeCsv.ReadEach(outcomesCsv))
            if (chosen.Analysed(row)) pass.Add(row);
        if (selection is not null) options = chosen.Counted(options);
        (var results, options) = pass.Finish(options);
        // The file is the table as counted when no row was left out, none repeated and no name respelled.
        var copyFile = !chosen.LeftOutAny && !results.Tidy.Changed && OutcomeCsv.HasWrittenHeader(outcomesCsv);
        return Write(results, options, outDir, pass.MapRows, path =>
        {
            if (copyFile)
            {
                Copy(outcomesCsv, path);
                return;
            }
            // Otherwise the rows as counted, from a second read of the file (it may be the copy's own path: written aside, then moved).
            var again = new RowChoice(selection);
            var tidy = new TidyOutcomes.Builder(keepRows: false);
            OutcomeCsv.Write(path + ".part", OutcomeCsv.ReadEach(outcomesCsv).Where(again.Analysed).Select(r => tidy.Add(r, out _)).OfType<OutcomeRow>());
            File.Move(path + ".part", path, overwrite: true);
        });
    }

    // The same file (a report written over the folder it was read from) is already the copy.
    private static void Copy(string from, string to)
    {
        if (Path.GetFullPath(from) != Path.GetFullPath(to)) File.Copy(from, to, overwrite: true);
    }

    /// <param name="mapRows">The rows as counted, or at least those the map of first targets draws.</param>
    /// <param name="writeTable">Writes the table as counted (outcomes.csv) to the path given.</param>
    private static ReportOutput Write(ReplicationResults results, ReportOptions options, string outDir, IReadOnlyList<OutcomeRow> mapRows, Action<string> writeTable)
    {
        var generatedAt = options.GeneratedAt ?? DateTimeOffset.UtcNow;
        var figureDir = Path.Combine(outDir, "figures");
        Directory.CreateDirectory(figureDir);
        // The copy of the table (the biggest file) is written on another thread while the figures render.
        var outcomesPath = Path.Combine(outDir, "outcomes.csv");
        var table = Task.Run(() => writeTable(outcomesPath));
        ReportOutput output;
        try
        {
            var figures = ReportFigures.Create(results, options, mapRows).Select(f => RenderedFigure.From(f)).ToList();
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

    /// <summary>Which rows of an outcome CSV are analysed as they are read, and what was left out (analyze --outcomes).</summary>
    private sealed class RowChoice(CsvSelection? selection)
    {
        private readonly Dictionary<string, HashSet<string>> _excludedBy = new(StringComparer.Ordinal);
        private readonly List<string> _reasons = [];
        private readonly HashSet<string> _pilots = new(StringComparer.Ordinal);

        /// <summary>Whether a row was left out (then the file is not the table analysed).</summary>
        public bool LeftOutAny { get; private set; }

        public bool Analysed(OutcomeRow row)
        {
            if (selection is null) return true;
            if (row.Pilot && !selection.IncludePilots)
            {
                LeftOutAny = true;
                return false;
            }
            if (row.Excluded)
            {
                var reason = row.ExclusionReason ?? "";
                if (!_excludedBy.TryGetValue(reason, out var participants))
                {
                    _excludedBy[reason] = participants = new(StringComparer.Ordinal);
                    _reasons.Add(reason);
                }
                participants.Add(row.Participant);
                if (!selection.IncludeExcluded)
                {
                    LeftOutAny = true;
                    return false;
                }
            }
            if (row.Pilot) _pilots.Add(row.Participant);
            return true;
        }

        /// <summary>The options with the sessions excluded by reason and the pilot runs analysed.</summary>
        public ReportOptions Counted(ReportOptions options) => options with
        {
            Exclusions = _reasons.Select(r => new ExclusionCount(r.Length > 0 ? r : "no reason given", _excludedBy[r].Count)).ToList(),
            ExcludedIncluded = selection!.IncludeExcluded,
            PilotsIncluded = _pilots.Count,
        };
    }
}

/// <summary>Which rows of an outcome CSV the report analyses: researchers' pilot runs and excluded sessions are left out unless included.</summary>
public sealed record CsvSelection(bool IncludePilots = false, bool IncludeExcluded = false);
