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
    public static IReadOnlyList<FunnelStage> FromOutcomes(IEnumerable<OutcomeRow> rows, IEnumerable<string> tasks) =>
        OutcomeTally.Of(rows.ToList(), tasks.ToList()).Funnel();

    /// <summary>
    /// The one order in which every participant met the tasks, from their task_order; null when two
    /// participants met two tasks in opposite orders, or when a task's position is not known.
    /// </summary>
    public static IReadOnlyList<string>? CommonOrder(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks) =>
        OutcomeTally.Of(rows, tasks).CommonOrder;
}
