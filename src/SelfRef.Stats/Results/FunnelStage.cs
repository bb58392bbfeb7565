using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>One stage of the completion funnel: how many participants got this far.</summary>
/// <param name="InSequence">
/// Whether the stage has a place in one sequence every participant went through. False for the task
/// stages when participants did the tasks in different orders (counterbalanced) or in an unknown order:
/// then those are counts per task, not steps one after the other.
/// </param>
public sealed record FunnelStage(string Label, int Count, bool InSequence = true)
{
    /// <summary>
    /// The funnel visible in an outcome table alone: participants present, participants with
    /// a first action per task, participants who completed. Started and consented counts live
    /// on the server; pass them in <see cref="Report.ReportOptions.Funnel"/> when known.
    /// When every participant met the tasks in one order (task_order), the task stages follow that
    /// order; otherwise they are marked as not in sequence and listed in the report's task order.
    /// </summary>
    public static IReadOnlyList<FunnelStage> FromOutcomes(IEnumerable<OutcomeRow> rows, IEnumerable<string> tasks)
    {
        var list = rows.ToList();
        var order = CommonOrder(list, tasks.ToList());
        var stages = new List<FunnelStage> { new("in outcome table", list.Select(r => r.Participant).Distinct().Count()) };
        foreach (var task in order ?? tasks)
            stages.Add(new($"{task}: first action", list.Where(r => r.Task == task && (r.SelfReference is not null || r.LatencyMs is not null))
                .Select(r => r.Participant).Distinct().Count(), InSequence: order is not null));
        stages.Add(new("completed", list.Where(r => r.Completed).Select(r => r.Participant).Distinct().Count()));
        return stages;
    }

    /// <summary>
    /// The one order in which every participant met the tasks, from their task_order; null when two
    /// participants met two tasks in opposite orders, or when a task's position is not known.
    /// </summary>
    public static IReadOnlyList<string>? CommonOrder(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks)
    {
        if (tasks.Count <= 1) return tasks;
        if (rows.Any(r => r.TaskOrder is null)) return null;
        var before = new HashSet<(string, string)>();
        foreach (var participant in rows.GroupBy(r => r.Participant, StringComparer.Ordinal))
        {
            var sequence = participant.OrderBy(r => r.TaskOrder).Select(r => r.Task).ToList();
            for (var i = 0; i < sequence.Count; i++)
                for (var j = i + 1; j < sequence.Count; j++)
                {
                    if (before.Contains((sequence[j], sequence[i]))) return null;
                    before.Add((sequence[i], sequence[j]));
                }
        }
        // Consistent: sort by how many tasks come before each (a total order when every pair was seen together).
        var ranked = tasks.OrderBy(t => before.Count(p => p.Item2 == t)).ToList();
        for (var i = 0; i + 1 < ranked.Count; i++)
            if (!before.Contains((ranked[i], ranked[i + 1]))) return null; // two tasks never met by one participant: order unknown
        return ranked;
    }
}
