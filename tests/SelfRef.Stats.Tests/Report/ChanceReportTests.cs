using System.Globalization;
using System.Text.Json;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Report;

/// <summary>
/// A task whose chance differs per participant (the name-letter task: distinct initials ÷ letters
/// shown) is tested against the exact Poisson-binomial distribution of those chances. These rows
/// belong to a task "letters" that no registered task has (the registered one is "name-letters"),
/// and the options name its chance column, as ReportOptions.ChanceColumns lets an outcome table of
/// an unknown task do; a registered task's declared Chance column is found without it.
/// </summary>
public sealed class ChanceReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "selfref-chance-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static ReportOptions Options => new()
    {
        ExperimentTitle = "Name letters",
        GeneratedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 0, TimeSpan.Zero),
        ChanceColumns = new Dictionary<string, string> { ["letters"] = "chance" },
    };

    /// <summary>
    /// 60 participants shown 26 letters, 1 or 2 distinct initials each (chance 1/26 or 2/26); every
    /// third picks an initial first (far more than chance); two (l028, l057) did nothing, so 19 of 58.
    /// </summary>
    private static List<OutcomeRow> Letters(int participants = 60)
    {
        var rows = new List<OutcomeRow>();
        for (var i = 0; i < participants; i++)
        {
            bool? self = i % 29 == 28 ? null : i % 3 == 0;
            rows.Add(new OutcomeRow($"l{i:000}", "name-letters", "letters", i % 2 == 0 ? "grid-a" : "grid-b", 1, "desktop", "mouse", "en",
                800 + 37 * (i % 11), self, self is null ? "no action" : null, null, true).With(("chance", (1 + i % 2) / 26.0)));
        }
        return rows;
    }

    /// <summary>The HTML report's text as a reader sees it (apostrophes are encoded in the file).</summary>
    private static string Html(ReportOutput output) => System.Net.WebUtility.HtmlDecode(File.ReadAllText(output.HtmlPath));

    private static (int K, double[] Chances) Observed(IEnumerable<OutcomeRow> rows)
    {
        var coded = rows.Where(r => r.Task == "letters" && r.SelfReference is not null).ToList();
        return (coded.Count(r => r.SelfReference == true), coded.Select(r => r.Number("chance")!.Value).ToArray());
    }

    [Fact]
    public void A_task_with_a_chance_column_is_tested_against_the_Poisson_binomial_of_its_participants_chances()
    {
        var rows = Letters();
        var results = ReplicationResults.Compute(rows, Options);

        var letters = Assert.Single(results.Tasks);
        var (k, chances) = Observed(rows);
        var expected = PoissonBinomialTest.Compute(k, chances);
        Assert.Equal(expected, letters.Chance);
        Assert.Equal((58, 19), (letters.N, letters.K));
        Assert.Equal(29 * (1 + 2) / 26.0, letters.Chance!.Expected, 12);
        Assert.Null(letters.Reference);
        Assert.Null(letters.Binomial);
        Assert.Null(letters.CohensH);
        Assert.Equal(0, letters.WithoutChance);

        var power = Assert.Single(results.Power);
        Assert.True(power.AgainstMeanChance);
        Assert.Equal(expected.MeanChance, power.Reference);
        Assert.Equal(Options.ChancePowerDifferences.Count, power.Rows.Count);
        Assert.All(power.Rows, row => Assert.True(row.P1 > row.P0, "the power table of a chance task asks about more self-reference than chance"));
    }

    [Fact]
    public void Report_text_names_the_test_n_and_observed_against_expected_in_html_and_markdown()
    {
        var output = ReplicationReport.Write(Letters(), Options, _dir);
        var c = Assert.Single(output.Results.Tasks).Chance!;
        // Markdown escapes "<" (and the like) with a backslash; the words are what is checked.
        foreach (var text in new[] { Html(output), File.ReadAllText(output.MarkdownPath).Replace("\\", "", StringComparison.Ordinal) })
        {
            Assert.Contains("exact Poisson-binomial test against each participant's chance (n = 58)", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("observed 19 self-referential first actions, expected 3.3 by chance alone (mean chance 0.058)", text);
            Assert.Contains("one-sided p (more often than chance) < 0.001", text);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Cohen's h against the mean chance = +{c.CohensH.H:0.000} ({c.CohensH.Magnitude})"), text);
            Assert.Contains("each participant's chance (mean 0.058)", text);
            Assert.Contains("tested against each participant's chance (mean chance 0.058)", text);
            Assert.DoesNotContain("Against the reference", text);
        }
        Assert.Contains("dotted green line: mean of the participants' chances", Html(output));
        Assert.DoesNotContain("dashed orange line", Html(output));
    }

    [Fact]
    public void Results_json_carries_the_chance_test_at_full_precision()
    {
        var rows = Letters();
        var output = ReplicationReport.Write(rows, Options, _dir);
        var (k, chances) = Observed(rows);
        var expected = PoissonBinomialTest.Compute(k, chances);

        using var json = JsonDocument.Parse(File.ReadAllText(output.JsonPath));
        var task = Assert.Single(json.RootElement.GetProperty("tasks").EnumerateArray());
        Assert.Equal("chance", task.GetProperty("tested_against").GetString());
        Assert.Equal(JsonValueKind.Null, task.GetProperty("binomial_p").ValueKind);
        Assert.Equal(JsonValueKind.Null, task.GetProperty("reference").ValueKind);
        var chance = task.GetProperty("chance");
        Assert.Equal(ResultsJson.ChanceTest, chance.GetProperty("test").GetString());
        Assert.Equal(expected.N, chance.GetProperty("n").GetInt32());
        Assert.Equal(expected.K, chance.GetProperty("k").GetInt32());
        Assert.Equal(expected.Expected, chance.GetProperty("expected").GetDouble());
        Assert.Equal(expected.MeanChance, chance.GetProperty("mean_chance").GetDouble());
        Assert.Equal(expected.PGreater, chance.GetProperty("p_greater").GetDouble());
        Assert.Equal(expected.PTwoSided, chance.GetProperty("p_two_sided").GetDouble());
        Assert.Equal(expected.Difference, chance.GetProperty("difference").GetDouble());
        Assert.Equal(expected.DifferenceLow, chance.GetProperty("difference_low").GetDouble());
        Assert.Equal(expected.DifferenceHigh, chance.GetProperty("difference_high").GetDouble());
        Assert.Equal(expected.CohensH.H, chance.GetProperty("cohens_h").GetDouble());
        Assert.Equal(0, chance.GetProperty("without_chance").GetInt32());
        Assert.All(json.RootElement.GetProperty("power").EnumerateArray(), p => Assert.Equal("mean chance", p.GetProperty("against").GetString()));
    }

    [Fact]
    public void Beside_the_pen_and_map_tasks_only_the_chance_task_leaves_its_reference_behind()
    {
        var rows = SyntheticOutcomes.Create().Concat(Letters()).ToList();
        var options = Options with { References = new Dictionary<string, double>(ReportOptions.GallupReferences) { ["letters"] = 0.5 } };
        var output = ReplicationReport.Write(rows, options, _dir);

        Assert.Equal(["pen", "map", "letters"], output.Results.Tasks.Select(t => t.Task));
        foreach (var t in output.Results.Tasks.Where(t => t.Task != "letters"))
        {
            Assert.Null(t.Chance);
            Assert.Equal(ReportOptions.GallupReferences[t.Task], t.Reference);
            Assert.NotNull(t.Binomial);
        }
        var letters = output.Results.Tasks[2];
        Assert.NotNull(letters.Chance);
        Assert.Null(letters.Binomial);
        Assert.Equal([false, false, true], output.Results.Power.Select(p => p.AgainstMeanChance));
        var html = Html(output);
        Assert.Contains("reference 0.960", html);
        Assert.Contains("dashed orange line: reference proportion", html);
        Assert.Contains("dotted green line: mean of the participants' chances", html);
    }

    [Fact]
    public void Classified_rows_without_a_chance_are_left_out_of_the_chance_test_and_counted()
    {
        var rows = Letters();
        rows[3] = rows[3] with { Columns = new Dictionary<string, string?>() };
        rows[4] = rows[4] with { Columns = new Dictionary<string, string?> { ["chance"] = "" } };
        var output = ReplicationReport.Write(rows, Options, _dir);

        var letters = Assert.Single(output.Results.Tasks);
        Assert.Equal(58, letters.N);
        Assert.Equal(56, letters.Chance!.N);
        Assert.Equal(2, letters.WithoutChance);
        var (k, chances) = Observed(rows.Where(r => r.Number("chance") is not null));
        Assert.Equal(PoissonBinomialTest.Compute(k, chances), letters.Chance);
        Assert.Contains("2 classified rows have no chance value and are left out of this test.", File.ReadAllText(output.MarkdownPath));
    }

    [Fact]
    public void An_outcome_table_of_an_unknown_task_is_tested_against_chance_once_its_column_is_named()
    {
        Directory.CreateDirectory(_dir);
        var csv = Path.Combine(_dir, "letters.csv");
        File.WriteAllText(csv, "participant,task,condition,self_reference,latency_ms,chance\n" +
            string.Join("\n", Enumerable.Range(0, 30).Select(i => $"x{i},letters,,{(i % 4 == 0 ? 1 : 0)},{900 + 10 * i},{(i % 3 == 0 ? "0.1" : "0.05")}")) + "\n");

        var named = ReplicationReport.WriteFromCsv(csv, Options, Path.Combine(_dir, "named"));
        var chances = Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? 0.1 : 0.05).ToArray();
        Assert.Equal(PoissonBinomialTest.Compute(8, chances), Assert.Single(named.Results.Tasks).Chance);

        // Not named and not registered: nothing to test against, and the report says so rather than guessing.
        var unnamed = ReplicationReport.WriteFromCsv(csv, new ReportOptions(), Path.Combine(_dir, "unnamed"));
        var task = Assert.Single(unnamed.Results.Tasks);
        Assert.Null(task.Chance);
        Assert.Null(task.Reference);
        Assert.Contains("No task has a reference proportion or a chance to test against", File.ReadAllText(unnamed.MarkdownPath));
    }

    [Fact]
    public void A_chance_outside_0_to_1_stops_the_report_naming_the_participant()
    {
        var rows = Letters();
        rows[5] = rows[5].With(("chance", 1.5));
        var e = Assert.Throws<ArgumentException>(() => ReplicationResults.Compute(rows, Options));
        Assert.Contains("participant l005", e.Message);
        Assert.Contains("chance", e.Message);
    }

    [Fact]
    public void The_power_table_at_the_mean_chance_is_close_to_the_exact_power_of_the_Poisson_binomial_test()
    {
        // Future participants with chances like these (1 or 2 initials among 26 letters), each raised by the difference.
        var rows = Letters();
        var (_, chances) = Observed(rows);
        var power = Assert.Single(ReplicationResults.Compute(rows, Options).Power);
        foreach (var row in power.Rows.Where(r => r.N is not null))
        {
            var n = row.N!.Value;
            var future = Enumerable.Range(0, n).Select(i => chances[i % chances.Length]).ToArray();
            var underChance = PoissonBinomial.Of(future);
            var underEffect = PoissonBinomial.Of(future.Select(p => Math.Min(1, p + (row.P1 - row.P0))).ToArray());
            var exact = Enumerable.Range(0, n + 1).Where(x => underChance.TwoSidedPValue(x) <= row.Alpha).Sum(underEffect.Pmf);
            Assert.True(Math.Abs(exact - row.Power) < 0.01,
                $"At n = {n} the power table says {row.Power:0.000} for a true proportion {row.P1:0.000}, but the exact Poisson-binomial test has {exact:0.000}");
        }
    }
}
