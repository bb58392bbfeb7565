using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Tests.Report;

/// <summary>Writes a report to a temporary folder and hands back its text, for tests that read what a researcher reads.</summary>
internal static class ReportRun
{
    public sealed record Written(ReportOutput Output, string Markdown, string Html, string Json, IReadOnlyList<OutcomeRow> OutcomesCsv);

    public static Written Write(IReadOnlyList<OutcomeRow> rows, ReportOptions? options = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "selfref-reportrun-" + Guid.NewGuid().ToString("N"));
        try
        {
            var output = ReplicationReport.Write(rows, options ?? new ReportOptions { GeneratedAt = DateTimeOffset.UnixEpoch }, dir);
            return new(output, File.ReadAllText(output.MarkdownPath), File.ReadAllText(output.HtmlPath), File.ReadAllText(output.JsonPath), OutcomeCsv.Read(output.OutcomesPath));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One participant's row for one task; unclassified (self null) rows get a missing reason.</summary>
    public static OutcomeRow Row(string participant, string task, bool? self, string condition = "", double? latency = 900, int? order = null, string? missing = null) =>
        new(participant, "exp", task, condition, order, "desktop", "mouse", "en", latency, self, self is null ? missing ?? "not coded" : null, null, true);
}
