using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Report;

/// <summary>The report's sentences as a researcher would paste them into a paper.</summary>
public class ReportWordingTests
{
    [Fact]
    public void A_p_value_below_0_001_reads_p_less_than_0_001()
    {
        // 0 of 40 against the pen reference 0.96: p is far below 0.001.
        var report = Write(Enumerable.Range(0, 40).Select(i => Row($"p{i}", "pen", false)).ToList());
        Assert.True(report.Output.Results.Tasks[0].Binomial!.PValue < 0.001);
        // Markdown escapes "<" with a backslash; the words are what is checked.
        var markdown = report.Markdown.Replace("\\", "", StringComparison.Ordinal);
        Assert.Contains("exact binomial test p < 0.001", markdown);
        Assert.DoesNotContain("p = <", markdown);
        Assert.Contains("exact binomial test p &lt; 0.001", report.Html);
        Assert.DoesNotContain("p = &lt;", report.Html);
    }

    [Fact]
    public void A_task_without_a_reference_says_it_is_not_tested_instead_of_an_empty_reference()
    {
        var results = ReplicationResults.Compute(Enumerable.Range(0, 6).Select(i => Row($"p{i}", "custom", i % 2 == 0)).ToList(), new ReportOptions());
        var line = TaskSummaryLine.Of(Assert.Single(results.Tasks));
        Assert.DoesNotContain("reference ,", line);
        Assert.DoesNotContain("p = ", line);
        Assert.Equal("custom: 3/6 = 50.0 % (95 % CI 18.8 % to 81.2 %), no reference proportion: not tested", line);
    }

    [Fact]
    public void A_task_with_a_reference_names_it_and_its_p_on_the_console()
    {
        var results = ReplicationResults.Compute(Enumerable.Range(0, 40).Select(i => Row($"p{i}", "pen", false)).ToList(), new ReportOptions());
        Assert.EndsWith("reference 0.960: exact binomial p < 0.001", TaskSummaryLine.Of(Assert.Single(results.Tasks)));
    }

    [Fact]
    public void The_odds_ratio_points_the_same_way_as_the_difference_column()
    {
        // Condition a: 1 of 5 self-referential, b: 4 of 5: b is higher, the difference b − a is +0.600.
        var rows = Enumerable.Range(0, 5).Select(i => Row($"a{i}", "pen", i < 1, "a"))
            .Concat(Enumerable.Range(0, 5).Select(i => Row($"b{i}", "pen", i < 4, "b"))).ToList();
        var report = Write(rows);
        Assert.Contains("| b | 5 | 4 | 0.800 |", report.Markdown);
        Assert.Contains("+0.600", report.Markdown);
        var odds = double.Parse(Regex.Match(report.Markdown, @"conditional MLE odds ratio ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(odds > 1, $"the report gives odds ratio {odds} beside a difference of +0.600: they point in opposite directions");
        Assert.Contains("divided by those under a", report.Markdown);
        using var json = JsonDocument.Parse(report.Json);
        var condition = json.RootElement.GetProperty("conditions")[0];
        Assert.Equal(odds, Math.Round(condition.GetProperty("odds_ratio_vs_first").GetDouble(), 2));
    }

    [Fact]
    public void Negative_kappa_is_printed_with_a_minus_sign_not_a_hyphen()
    {
        var options = new ReportOptions
        {
            GeneratedAt = DateTimeOffset.UnixEpoch,
            Coding = [new("a", "name", "other"), new("b", "other", "name"), new("c", "name", "other"), new("d", "other", "name"), new("e", "name", "name")],
        };
        var report = Write(Enumerable.Range(0, 6).Select(i => Row($"p{i}", "pen", true)).ToList(), options);
        Assert.True(report.Output.Results.Kappa!.Kappa < 0);
        Assert.Matches("Cohen's κ = \u22120\\.[0-9]{3}", report.Markdown);
        Assert.DoesNotContain("κ = -", report.Markdown);
        Assert.DoesNotMatch(@"\(95 % CI -", report.Markdown);
    }

    [Fact]
    public void The_latency_table_says_its_n_counts_classified_rows_only()
    {
        // 3 classified rows with a latency, 2 unclassified rows that have one too.
        var rows = new[]
        {
            Row("p1", "pen", true, latency: 800), Row("p2", "pen", false, latency: 900), Row("p3", "pen", true, latency: 1000),
            Row("p4", "pen", null, latency: 1100), Row("p5", "pen", null, latency: 1200),
        };
        var report = Write(rows);
        Assert.Equal(3, report.Output.Results.Tasks[0].Latency.N);
        Assert.Contains("| task | n (classified rows with a latency) |", report.Markdown);
        Assert.Contains("| pen | 3 |", report.Markdown);
        Assert.Contains("rows with a latency but no classification are left out (pen: 2)", report.Markdown);
    }
}
