using SelfRef.Stats.Report;

namespace SelfRef.Stats.Tests.Report;

/// <summary>A deliberate departure the experiment file declares (names allowed in a pen instruction) is stated in the report.</summary>
public class FileNoticeReportTests
{
    private static readonly IReadOnlyList<SelfRef.Stats.Outcomes.OutcomeRow> Rows =
        [ReportRun.Row("p1", "pen", true), ReportRun.Row("p2", "pen", false)];

    [Fact]
    public void The_report_says_which_step_allows_names_and_why()
    {
        var report = ReportRun.Write(Rows, new ReportOptions
        {
            GeneratedAt = DateTimeOffset.UnixEpoch,
            FileNotices = ["step 'pen-control': names are allowed in this pen instruction: positive control."],
        });
        const string line = "The experiment file departs from the usual rules on purpose: step 'pen-control': names are allowed in this pen instruction: positive control.";
        Assert.Contains(line, report.Markdown);
        Assert.Contains("step &#39;pen-control&#39;: names are allowed in this pen instruction: positive control.", report.Html.Replace("&#x27;", "&#39;"));
    }

    [Fact]
    public void Without_a_departure_the_report_says_nothing_of_it() =>
        Assert.DoesNotContain("departs from the usual rules", ReportRun.Write(Rows).Markdown);
}
