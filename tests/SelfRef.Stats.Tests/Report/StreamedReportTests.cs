using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Preregistration;
using SelfRef.Stats.Report;
using SelfRef.Stats.Tests.Figures;

namespace SelfRef.Stats.Tests.Report;

/// <summary>
/// `analyze --outcomes` reads the CSV as a stream: every row is counted as it is read and let go
/// (ReplicationReport.WriteFromCsv), instead of the table read whole into a list of rows first. Here the
/// previous path is kept as the oracle — the whole file read, pilot and excluded rows left out as the
/// command did it, the list written by ReplicationReport.Write — and the report folders of both must be
/// equal byte for byte: report.md, report.html, results.json, outcomes.csv and every figure file.
/// </summary>
public sealed class StreamedReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "selfref-stream-" + Guid.NewGuid().ToString("N"));

    public StreamedReportTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly DateTimeOffset At = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, bool?, bool?> Cases => new()
    {
        { "clean", null, null },
        { "clean", false, false },
        { "marked", null, null },
        { "marked", false, false },
        { "marked", true, false },
        { "marked", false, true },
        { "marked", true, true },
        { "repeated", false, false },
        { "map", false, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_streamed_report_equals_the_one_from_the_whole_table(string fixture, bool? includePilots, bool? includeExcluded)
    {
        var csv = Path.Combine(_dir, fixture + ".csv");
        OutcomeCsv.Write(csv, Fixture(fixture));
        var options = Options(fixture);
        var selection = includePilots is { } pilots ? new CsvSelection(pilots, includeExcluded ?? false) : null;

        var streamed = ReplicationReport.WriteFromCsv(csv, options, Path.Combine(_dir, "streamed"), selection);
        var whole = WholeTable(csv, options, Path.Combine(_dir, "whole"), selection);

        Assert.Equal(whole.FigurePaths.Select(Path.GetFileName), streamed.FigurePaths.Select(Path.GetFileName));
        foreach (var (expected, actual) in new[] { (whole.MarkdownPath, streamed.MarkdownPath), (whole.HtmlPath, streamed.HtmlPath), (whole.JsonPath, streamed.JsonPath), (whole.OutcomesPath, streamed.OutcomesPath) }
            .Concat(whole.FigurePaths.Zip(streamed.FigurePaths)))
            Assert.True(Content(expected).SequenceEqual(Content(actual)),
                $"{Path.GetFileName(actual)} of the streamed report differs from the one of the whole table ({fixture}, pilots {includePilots}, excluded {includeExcluded})");
        Assert.Equal(whole.Results.Participants, streamed.Results.Participants);
        if (fixture == "map")
            Assert.Contains(streamed.FigurePaths, p => Path.GetFileName(p) == "first-target-map.svg");
    }

    [Fact]
    public void A_report_written_over_the_folder_it_was_read_from_rewrites_its_table_from_a_second_read()
    {
        var folder = Path.Combine(_dir, "same");
        Directory.CreateDirectory(folder);
        var csv = Path.Combine(folder, "outcomes.csv");
        var rows = Fixture("marked");
        OutcomeCsv.Write(csv, rows);
        var expected = WholeTable(csv, Options("marked"), Path.Combine(_dir, "whole"), new CsvSelection());

        ReplicationReport.WriteFromCsv(csv, Options("marked"), folder, new CsvSelection());

        Assert.Equal(File.ReadAllBytes(expected.OutcomesPath), File.ReadAllBytes(csv));
        Assert.False(File.Exists(csv + ".part"), "the table written aside was left behind");
    }

    [Fact]
    public void A_bad_value_stops_the_streamed_report_before_anything_is_written()
    {
        var csv = Path.Combine(_dir, "bad.csv");
        OutcomeCsv.Write(csv, Fixture("clean"));
        var lines = File.ReadAllLines(csv);
        // Near the end, so that most rows have been counted when the bad one comes.
        var at = Array.FindLastIndex(lines, l => l.Contains(",1,,first name", StringComparison.Ordinal)) - 1;
        at = Array.FindLastIndex(lines, at, l => l.Contains(",1,,first name", StringComparison.Ordinal));
        lines[at] = lines[at].Replace(",1,,first name", ",maybe,,first name", StringComparison.Ordinal);
        File.WriteAllLines(csv, lines);
        var expected = Assert.Throws<OutcomeCsvException>(() => OutcomeCsv.Read(csv));

        var e = Assert.Throws<OutcomeCsvException>(() => ReplicationReport.WriteFromCsv(csv, Options("clean"), Path.Combine(_dir, "out"), new CsvSelection()));

        Assert.Equal(expected.Message, e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")), "a report folder was made for a table that cannot be read");
    }

    /// <summary>
    /// A file's bytes; in an SVG the clip-path ids numbered in order of appearance, because SkiaSharp numbers them
    /// with a counter of the process (two reports drawn in one process differ there, and only there).
    /// </summary>
    private static byte[] Content(string path)
    {
        if (!path.EndsWith(".svg", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "cl_[0-9a-f]+\\b",
            m => ids.TryGetValue(m.Value, out var id) ? id : ids[m.Value] = $"clip{ids.Count}"));
    }

    /// <summary>The previous path of analyze --outcomes, kept as written: the whole table read, then left out as chosen, then written.</summary>
    private static ReportOutput WholeTable(string file, ReportOptions options, string outDir, CsvSelection? selection)
    {
        var rows = OutcomeCsv.Read(file);
        if (selection is null) return ReplicationReport.Write(rows, options, outDir, readFrom: file);
        var study = selection.IncludePilots || !rows.Any(r => r.Pilot) ? rows : rows.Where(r => !r.Pilot).ToList();
        var exclusions = study.Where(r => r.Excluded).GroupBy(r => r.ExclusionReason ?? "", StringComparer.Ordinal)
            .Select(g => new ExclusionCount(g.Key.Length > 0 ? g.Key : "no reason given", g.Select(r => r.Participant).Distinct().Count())).ToList();
        var analysed = selection.IncludeExcluded || !study.Any(r => r.Excluded) ? study : study.Where(r => !r.Excluded).ToList();
        return ReplicationReport.Write(analysed, options with
        {
            Exclusions = exclusions,
            ExcludedIncluded = selection.IncludeExcluded,
            PilotsIncluded = analysed.Where(r => r.Pilot).Select(r => r.Participant).Distinct().Count(),
        }, outDir, readFrom: ReferenceEquals(analysed, rows) ? file : null);
    }

    private ReportOptions Options(string fixture)
    {
        var options = new ReportOptions { ExperimentTitle = fixture, GeneratedAt = At };
        if (fixture == "map")
        {
            var outlines = Path.Combine(_dir, "outlines.json");
            File.WriteAllText(outlines, TopoJsonTests.Tiny);
            options = options with { CountryOutlines = outlines };
        }
        if (fixture == "marked")
            options = options with
            {
                Preregistration = new PreregistrationPlan("gallup-replication", "v1", At.AddDays(-30), "SelfRef test", 150, 0.05, 0.95, 0.8,
                    new Dictionary<string, double> { ["pen"] = 0.96 }, ["explicit", "neutral"], [], ["bot"]),
            };
        return options;
    }

    private static IReadOnlyList<OutcomeRow> Fixture(string name) => name switch
    {
        "clean" => SyntheticOutcomes.Create(400, 3),
        // Pilot runs, excluded sessions with and without a reason, two versions and two experiments, a repeated
        // participant and task, and names in another case: every way the counted table differs from the file.
        "marked" => [.. SyntheticOutcomes.Create(300, 5).Select((r, i) => r with
            {
                Pilot = i % 41 < 2,
                Excluded = i % 23 < 2 || i % 57 == 0,
                ExclusionReason = i % 23 < 2 ? (i % 3 == 0 ? "bot" : "consent withdrawn") : null,
                Experiment = i % 97 == 0 ? "gallup-pilot" : r.Experiment,
                Task = i % 31 == 0 ? r.Task.ToUpperInvariant() : r.Task,
                Condition = i % 13 == 0 ? r.Condition.ToUpperInvariant() : r.Condition,
                Version = i < 200 ? "v1" : "v2",
            }), .. SyntheticOutcomes.Create(300, 5).Skip(10).Take(6).Select(r => r with { SelfReference = !r.SelfReference })],
        "repeated" => [.. SyntheticOutcomes.Create(200, 8), .. SyntheticOutcomes.Create(200, 8).Take(3)],
        "map" => [.. SyntheticOutcomes.Create(60, 4), .. FirstTargetMapFigureTests.Europe],
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
