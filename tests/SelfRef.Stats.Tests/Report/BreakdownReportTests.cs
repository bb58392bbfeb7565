using System.Text.Json.Nodes;
using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Report;

/// <summary>First actions by device class, pointer type and language: the tables, the figures, results.json.</summary>
public sealed class BreakdownReportTests
{
    private static OutcomeRow R(string id, string task, bool? self, string device, string pointer, string language) =>
        Row(id, task, self) with { Device = device, PointerType = pointer, Language = language };

    private static List<OutcomeRow> Rows() =>
    [
        R("a", "pen", true, "desktop", "mouse", "de"),
        R("b", "pen", false, "Desktop", "mouse", "de"),
        R("c", "pen", true, "tablet", "pen", "en"),
        R("d", "pen", true, "phone", "touch", "en"),
        R("e", "pen", true, "", "", "de"),
        R("f", "pen", null, "phone", "touch", "de"), // not classified: in no breakdown
        R("a", "map", true, "desktop", "mouse", "de"),
        R("b", "map", true, "desktop", "mouse", "de"),
    ];

    [Fact]
    public void Each_breakdown_splits_a_tasks_classified_rows_in_a_fixed_order_with_unknown_last_and_adds_up_to_its_n()
    {
        var r = ReplicationResults.Compute(Rows(), new ReportOptions());
        var device = r.Breakdowns.Single(b => b.Dimension == "device");
        var pen = device.Tasks.Single(t => t.Task == "pen");
        Assert.Equal([("desktop", 2, 1), ("tablet", 1, 1), ("phone", 1, 1), ("unknown", 1, 1)], pen.Levels.Select(l => (l.Level, l.N, l.K)));
        foreach (var b in r.Breakdowns)
            foreach (var t in b.Tasks)
                Assert.Equal(r.Tasks.Single(x => x.Task == t.Task).N, t.Levels.Sum(l => l.N));
        var pointer = r.Breakdowns.Single(b => b.Dimension == "pointer type").Tasks.Single(t => t.Task == "pen");
        Assert.Equal(["mouse", "touch", "pen", "unknown"], pointer.Levels.Select(l => l.Level));
        var language = r.Breakdowns.Single(b => b.Dimension == "language").Tasks.Single(t => t.Task == "pen");
        Assert.Equal([("de", 3), ("en", 2)], language.Levels.Select(l => (l.Level, l.N)));
    }

    [Fact]
    public void The_report_has_a_table_per_breakdown_and_a_figure_only_where_a_task_has_two_values()
    {
        var report = Write(Rows());
        Assert.Contains("## By device, pointer type and language", report.Markdown);
        Assert.Contains("| task | device | n | self-referential | proportion | 95 % Wilson |", report.Markdown);
        Assert.Contains("| pen | unknown | 1 | 1 | 1.000 |", report.Markdown);
        Assert.Contains("| map | desktop | 2 | 2 | 1.000 |", report.Markdown);
        Assert.Contains("| pen | pen | 1 | 1 | 1.000 |", report.Markdown);
        var names = report.Output.FigurePaths.Select(Path.GetFileName).ToList();
        Assert.Contains("by-device.png", names);
        Assert.Contains("by-pointer-type.svg", names);
        Assert.Contains("by-language.png", names);
        Assert.Contains("figures/by-device.png", report.Markdown);
        Assert.Contains("id=\"by-language\"", report.Html);

        // One device, one pointer, one language: tables, but nothing to draw.
        var plain = Write([Row("a", "pen", true), Row("b", "pen", false)]);
        Assert.Contains("| pen | desktop | 2 | 1 | 0.500 |", plain.Markdown);
        Assert.DoesNotContain(plain.Output.FigurePaths, p => Path.GetFileName(p).StartsWith("by-", StringComparison.Ordinal));
    }

    [Fact]
    public void Results_json_lists_every_breakdown_cell()
    {
        var report = Write(Rows());
        var cells = JsonNode.Parse(report.Json)!["breakdowns"]!.AsArray();
        var unknown = cells.Single(c => (string)c!["dimension"]! == "pointer type" && (string)c["task"]! == "pen" && (string)c["value"]! == "unknown")!;
        Assert.Equal(1, (int)unknown["n"]!);
        Assert.Equal("pointer_type", (string)unknown["column"]!);
        Assert.Equal(report.Output.Results.Breakdowns.Sum(b => b.Tasks.Sum(t => t.Levels.Count)), cells.Count);
    }

    [Fact]
    public void A_breakdown_figure_caption_states_n()
    {
        var device = ReplicationResults.Compute(Rows(), new ReportOptions()).Breakdowns.Single(b => b.Dimension == "device");
        var figure = BreakdownFigure.Create(device);
        Assert.Equal("by-device", figure.Name);
        Assert.Contains("pen: desktop 1/2, tablet 1/1, phone 1/1, unknown 1/1; map: desktop 2/2 (n = 7)", figure.Caption);
    }
}
