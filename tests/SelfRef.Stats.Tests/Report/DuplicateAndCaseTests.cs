using System.Text.Json;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Report;

public class DuplicateAndCaseTests
{
    [Fact]
    public void A_participant_with_two_rows_for_one_task_is_counted_once_and_the_report_names_the_rows()
    {
        OutcomeRow[] rows = [Row("p1", "pen", true), Row("p2", "pen", false), Row("p1", "pen", false)];
        var report = Write(rows);
        var pen = Assert.Single(report.Output.Results.Tasks);
        Assert.Equal((2, 1), (pen.N, pen.K));
        Assert.Equal(2, report.Output.Results.Participants);
        Assert.Contains("participant p1, task pen: kept row 1, left out row 3", report.Markdown);
        Assert.Contains("the first row in table order is kept", report.Markdown);
        using var json = JsonDocument.Parse(report.Json);
        Assert.Equal(1, json.RootElement.GetProperty("duplicate_rows_left_out").GetInt32());
        Assert.Equal(2, report.OutcomesCsv.Count);
    }

    [Fact]
    public void Without_duplicates_nothing_is_left_out_or_said()
    {
        var tidy = TidyOutcomes.Of([Row("p1", "pen", true), Row("p1", "map", true), Row("P1", "pen", false)]);
        Assert.Empty(tidy.Duplicates);
        Assert.Equal(3, tidy.Rows.Count);
    }

    [Fact]
    public void Task_and_condition_names_are_compared_ignoring_case()
    {
        OutcomeRow[] rows =
        [
            Row("p1", "pen", true, "Explicit"), Row("p2", "Pen", false, "explicit"), Row("p3", "PEN", true, "neutral"), Row("p4", "pen", false, "Neutral"),
            Row("p1", "Custom", true), Row("p2", "custom", false),
            Row("p1", "Pen", false, "explicit"), // p1's second pen row, in another case: a duplicate
        ];
        var results = ReplicationResults.Compute(rows, new ReportOptions());
        Assert.Equal(["pen", "Custom"], results.Tasks.Select(t => t.Task));
        Assert.Equal((4, 2), (results.Tasks[0].N, results.Tasks[0].K));
        Assert.Equal(0.96, results.Tasks[0].Reference);
        Assert.Equal(2, results.Tasks[1].N);
        var condition = Assert.Single(results.Conditions);
        Assert.Equal(["Explicit", "neutral"], condition.Levels.Select(l => l.Level));
        Assert.Equal([2, 2], condition.Levels.Select(l => l.N));
        Assert.Equal(7, Assert.Single(results.Tidy.Duplicates).LeftOutRows.Single());

        var report = Write(rows);
        Assert.Contains("task \"Pen\" counted as \"pen\" (2 row(s))", report.Markdown);
        Assert.Contains("condition \"Neutral\" counted as \"neutral\" (1 row(s))", report.Markdown);
    }
}
