using System.Text.Json;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Report;

public class EmptyTaskReportTests
{
    [Fact]
    public void A_task_with_no_classified_rows_stays_in_every_table_with_n_0_and_its_reason()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Row($"p{i}", "pen", i != 0))
            .Concat(Enumerable.Range(0, 4).Select(i => Row($"p{i}", "map", null, latency: null, missing: "no action"))).ToList();
        var report = Write(rows);

        var map = Assert.Single(report.Output.Results.Tasks, t => t.Task == "map");
        Assert.Equal((0, 0), (map.N, map.K));
        Assert.Contains("| map | 0 | 0 |", report.Markdown);
        Assert.Contains("map: 4 no action", report.Markdown);
        Assert.Contains("Map: n = 0, no participant has a classified first action (4 no action)", report.Markdown);
        Assert.Contains(report.Output.Results.Power, p => p.Task == "map");
        Assert.Contains("Map task, reference 0.894", report.Markdown);

        using var json = JsonDocument.Parse(report.Json);
        var mapJson = json.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "map");
        Assert.Equal(0, mapJson.GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, mapJson.GetProperty("proportion").ValueKind);
        Assert.Equal(4, mapJson.GetProperty("missing").GetProperty("no action").GetInt32());
    }
}
