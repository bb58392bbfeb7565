using System.Text.Json;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Report;

public sealed class ReplicationReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "selfref-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static ReportOptions Options => new()
    {
        ExperimentTitle = "Synthetic <replication> & test",
        GeneratedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 0, TimeSpan.Zero),
        Coding = [new("a", "name", "name"), new("b", "name", "other"), new("c", "other", "other"), new("d", "name", "name"), new("e", "other", "name"), new("f", "name", "name")],
    };

    [Fact]
    public void Writes_every_file_of_the_report()
    {
        var output = ReplicationReport.Write(SyntheticOutcomes.Create(), Options, _dir);
        foreach (var file in new[] { "report.html", "report.md", "results.json", "outcomes.csv" })
            Assert.True(new FileInfo(Path.Combine(_dir, file)).Length > 200, $"{file} is missing or nearly empty in the report folder");
        foreach (var name in new[] { "replication-bars", "latency-ecdf", "distance-histogram", "condition-comparison", "by-device", "by-pointer-type", "by-language", "completion-funnel" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, "figures", name + ".png")), $"figure {name}.png was not written");
            Assert.True(File.Exists(Path.Combine(_dir, "figures", name + ".svg")), $"figure {name}.svg was not written");
        }
        Assert.Equal(16, output.FigurePaths.Count);
    }

    [Fact]
    public void Results_json_has_the_required_fields_and_equals_the_estimators()
    {
        var outcomes = SyntheticOutcomes.Create();
        ReplicationReport.Write(outcomes, Options, _dir);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "results.json")));
        var tasks = json.RootElement.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(["pen", "map"], tasks.Select(t => t.GetProperty("task").GetString()));

        foreach (var t in tasks)
        {
            var task = t.GetProperty("task").GetString()!;
            var coded = outcomes.Where(r => r.Task == task && r.SelfReference is not null).ToList();
            int n = coded.Count, k = coded.Count(r => r.SelfReference == true);
            var reference = ReportOptions.GallupReferences[task];
            var wilson = WilsonInterval.Compute(k, n);
            var cp = ClopperPearsonInterval.Compute(k, n);
            Same(n, t, "n", task);
            Same(k, t, "k", task);
            Same((double)k / n, t, "proportion", task);
            Same(reference, t, "reference", task);
            Same(wilson.Low, t, "wilson_low", task);
            Same(wilson.High, t, "wilson_high", task);
            Same(cp.Low, t, "cp_low", task);
            Same(cp.High, t, "cp_high", task);
            Same(ExactBinomialTest.Compute(k, n, reference).PValue, t, "binomial_p", task);
            Same(CohensH.Compute((double)k / n, reference).H, t, "cohens_h", task);
        }

        var conditions = json.RootElement.GetProperty("conditions").EnumerateArray().ToList();
        Assert.NotEmpty(conditions);
        foreach (var c in conditions)
        {
            var task = c.GetProperty("task").GetString()!;
            var levels = c.GetProperty("levels").EnumerateArray().Select(l => l.GetString()!).ToList();
            Assert.Equal(["delayed", "explicit", "neutral"], levels);
            var matrix = new int[2, levels.Count];
            for (var j = 0; j < levels.Count; j++)
            {
                var rows = outcomes.Where(r => r.Task == task && r.Condition == levels[j] && r.SelfReference is not null).ToList();
                matrix[0, j] = rows.Count(r => r.SelfReference == true);
                matrix[1, j] = rows.Count(r => r.SelfReference == false);
            }
            var chi = PearsonChiSquare.Compute(matrix);
            Same(FisherExactTest.Compute(matrix).PValue, c, "fisher_p", task);
            Same(chi.Statistic, c, "chisq", task);
            Same(chi.DegreesOfFreedom, c, "chisq_df", task);
            Same(chi.PValue, c, "chisq_p", task);
        }
        Assert.Contains("anecdote", json.RootElement.GetProperty("reference_note").GetString());
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("kappa").ValueKind);
        Assert.NotEmpty(json.RootElement.GetProperty("power").EnumerateArray());
    }

    [Fact]
    public void Report_text_states_the_gallup_caveat_escapes_html_and_captions_every_figure_with_n()
    {
        ReplicationReport.Write(SyntheticOutcomes.Create(), Options, _dir);
        var html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        var md = File.ReadAllText(Path.Combine(_dir, "report.md"));
        foreach (var text in new[] { html, md })
        {
            Assert.Contains("anecdote without a located primary source", text);
            Assert.Contains("447 of 500", text);
            Assert.Contains("96 % of 500", text);
        }
        Assert.Contains("Synthetic &lt;replication&gt; &amp; test", html);
        Assert.DoesNotContain("<replication>", html);
        var captions = System.Text.RegularExpressions.Regex.Matches(html, "<figcaption>(.*?)</figcaption>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(8, captions.Count);
        Assert.All(captions, c => Assert.Contains("n = ", c));
        Assert.Equal(8, System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        Assert.DoesNotContain("src=\"http", html);
    }

    [Fact]
    public void Outcomes_csv_in_the_report_reads_back_to_the_same_rows()
    {
        var outcomes = SyntheticOutcomes.Create();
        ReplicationReport.Write(outcomes, Options, _dir);
        Assert.Equal(outcomes, OutcomeCsv.Read(Path.Combine(_dir, "outcomes.csv")));
    }

    [Fact]
    public void A_csv_counted_as_it_is_is_copied_byte_for_byte_and_one_with_repeated_rows_is_written_tidied()
    {
        Directory.CreateDirectory(_dir);
        var outcomes = SyntheticOutcomes.Create();
        var written = Path.Combine(_dir, "written.csv");
        OutcomeCsv.Write(written, outcomes);
        // A quoted participant reads as Write's unquoted one: only a copy of the file keeps the quotes.
        var lines = File.ReadAllLines(written);
        var source = Path.Combine(_dir, "source.csv");
        File.WriteAllText(source, string.Join("\n", lines.Select((l, i) => i == 0 ? l : "\"" + l[..l.IndexOf(',')] + "\"" + l[l.IndexOf(',')..])) + "\n");
        Assert.Equal(outcomes, OutcomeCsv.Read(source));
        var copied = ReplicationReport.WriteFromCsv(source, Options, Path.Combine(_dir, "copied"));
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copied.OutcomesPath));

        var repeated = Path.Combine(_dir, "repeated.csv");
        File.WriteAllLines(repeated, [.. lines, lines[1]]);
        var tidied = ReplicationReport.WriteFromCsv(repeated, Options, Path.Combine(_dir, "tidied"));
        Assert.Equal(outcomes, OutcomeCsv.Read(tidied.OutcomesPath));

        // A header other than Write's (columns missing) is written again, with every column.
        var fewer = Path.Combine(_dir, "fewer.csv");
        File.WriteAllLines(fewer, lines.Select(l => l[..l.LastIndexOf(',')]));
        var rewritten = ReplicationReport.WriteFromCsv(fewer, Options, Path.Combine(_dir, "rewritten"));
        Assert.Equal(lines[0], File.ReadLines(rewritten.OutcomesPath).First());
        Assert.Equal(OutcomeCsv.Read(fewer), OutcomeCsv.Read(rewritten.OutcomesPath));
    }

    [Fact]
    public void A_table_with_only_the_minimal_columns_and_one_task_still_gives_a_report()
    {
        var csv = Path.Combine(_dir, "minimal.csv");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(csv, "participant,task,condition,self_reference,latency_ms,distance_km\n" +
            string.Join("\n", Enumerable.Range(0, 12).Select(i => $"x{i},pen,,{(i % 6 == 0 ? "0" : "1")},{900 + 10 * i},")) + "\n");
        var output = ReplicationReport.WriteFromCsv(csv, new ReportOptions(), Path.Combine(_dir, "out"));
        var task = Assert.Single(output.Results.Tasks);
        Assert.Equal((12, 10), (task.N, task.K));
        Assert.Empty(output.Results.Conditions);
        Assert.Contains("nothing to compare", File.ReadAllText(output.MarkdownPath));
    }

    private static void Same(double expected, JsonElement obj, string field, string task)
    {
        Assert.True(obj.TryGetProperty(field, out var value), $"results.json has no field '{field}' for task {task}");
        Assert.True(value.ValueKind == JsonValueKind.Number, $"results.json field '{field}' for task {task} is {value.ValueKind}, not a number");
        Assert.True(expected == value.GetDouble(),
            $"results.json says {field} = {value.GetDouble():R} for task {task}, but the estimator gives {expected:R}");
    }
}
