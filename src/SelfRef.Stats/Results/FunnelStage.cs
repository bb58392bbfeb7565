using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>One stage of the completion funnel: how many participants got this far.</summary>
public sealed record FunnelStage(string Label, int Count)
{
    /// <summary>
    /// The funnel visible in an outcome table alone: participants present, participants with
    /// a first action per task, participants who completed. Started and consented counts live
    /// on the server; pass them in <see cref="Report.ReportOptions.Funnel"/> when known.
    /// </summary>
    public static IReadOnlyList<FunnelStage> FromOutcomes(IEnumerable<OutcomeRow> rows, IEnumerable<string> tasks)
    {
        var list = rows.ToList();
        var stages = new List<FunnelStage> { new("in outcome table", list.Select(r => r.Participant).Distinct().Count()) };
        foreach (var task in tasks)
            stages.Add(new($"{task}: first action", list.Where(r => r.Task == task && (r.SelfReference is not null || r.LatencyMs is not null))
                .Select(r => r.Participant).Distinct().Count()));
        stages.Add(new("completed", list.Where(r => r.Completed).Select(r => r.Participant).Distinct().Count()));
        return stages;
    }
}
