using System.Text.Json;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Tests.Report;

/// <summary>The report at 100,000 participants, and how it labels a Monte Carlo Fisher p-value.</summary>
public sealed class LargeReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "selfref-large-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_report_of_100000_participants_is_written_with_exact_Fisher_tests_and_small_figures()
    {
        var outcomes = SyntheticOutcomes.Create(participants: 100_000);
        var output = ReplicationReport.Write(outcomes, new ReportOptions { GeneratedAt = DateTimeOffset.UnixEpoch }, _dir);

        Assert.Equal(100_000, output.Results.Participants);
        Assert.All(output.Results.Conditions, c => Assert.Equal(FisherMethod.Exact, c.Fisher.Method));
        using var json = JsonDocument.Parse(File.ReadAllText(output.JsonPath));
        foreach (var c in json.RootElement.GetProperty("conditions").EnumerateArray())
        {
            Assert.Equal("exact", c.GetProperty("fisher_method").GetString());
            Assert.Equal(JsonValueKind.Null, c.GetProperty("fisher_replicates").ValueKind);
            Assert.Equal(JsonValueKind.Null, c.GetProperty("fisher_seed").ValueKind);
            Assert.Equal(JsonValueKind.Null, c.GetProperty("fisher_se").ValueKind);
        }
        foreach (var svg in output.FigurePaths.Where(p => p.EndsWith(".svg", StringComparison.Ordinal)))
            Assert.True(new FileInfo(svg).Length < 1_000_000, $"{Path.GetFileName(svg)} has {new FileInfo(svg).Length:N0} bytes for 100,000 participants");
    }

    [Fact]
    public void A_Monte_Carlo_Fisher_p_is_named_as_such_with_its_replicates_and_seed_in_text_and_json()
    {
        var outcomes = SyntheticOutcomes.Create();
        var options = new ReportOptions
        {
            GeneratedAt = DateTimeOffset.UnixEpoch,
            Fisher = new FisherExactTestOptions(ExactTableBudget: 1, Replicates: 2000, Seed: 42),
        };
        var output = ReplicationReport.Write(outcomes, options, _dir);

        using var json = JsonDocument.Parse(File.ReadAllText(output.JsonPath));
        var conditions = json.RootElement.GetProperty("conditions").EnumerateArray().ToList();
        Assert.NotEmpty(conditions);
        foreach (var (c, result) in conditions.Zip(output.Results.Conditions))
        {
            Assert.Equal("monte-carlo", c.GetProperty("fisher_method").GetString());
            Assert.Equal(2000, c.GetProperty("fisher_replicates").GetInt32());
            Assert.Equal(42, c.GetProperty("fisher_seed").GetInt32());
            var p = c.GetProperty("fisher_p").GetDouble();
            Assert.Equal(FisherExactTest.MonteCarlo(result.Table.ToMatrix(), 2000, 42).PValue, p);
            Assert.Equal(Math.Sqrt(p * (1 - p) / 2000), c.GetProperty("fisher_se").GetDouble(), 15);
        }
        foreach (var text in new[] { File.ReadAllText(output.MarkdownPath), File.ReadAllText(output.HtmlPath) })
        {
            Assert.Contains("Monte Carlo p-value", text);
            Assert.Contains("2,000 random tables with the observed margins", text);
            Assert.Contains("seed 42", text);
            Assert.Contains("simulate.p.value = TRUE, B = 2000", text);
            // The standard error beside the p it belongs to, in two significant digits.
            foreach (var result in output.Results.Conditions)
            {
                var se = result.Fisher.StandardError!.Value;
                var digits = Math.Max(0, 1 - (int)Math.Floor(Math.Log10(se)));
                var shown = Math.Round(se, digits).ToString("0.###############", System.Globalization.CultureInfo.InvariantCulture);
                Assert.Contains($"standard error {shown}, from 2,000 random tables", text);
            }
            Assert.Contains("work budget", text);
        }
    }

    [Fact]
    public void An_exact_Fisher_p_is_named_exact()
    {
        var output = ReplicationReport.Write(SyntheticOutcomes.Create(), new ReportOptions { GeneratedAt = DateTimeOffset.UnixEpoch }, _dir);
        var md = File.ReadAllText(output.MarkdownPath);
        Assert.Contains("Fisher's exact test: p = ", md);
        Assert.DoesNotContain("Monte Carlo", md);
    }
}
