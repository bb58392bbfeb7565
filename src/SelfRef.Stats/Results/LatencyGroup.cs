using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>Latencies (ms) of one task's participants with one outcome ("self-referential", "other").</summary>
public sealed record LatencyGroup(string Task, string Outcome, IReadOnlyList<double> LatenciesMs)
{
    public const string Self = "self-referential";
    public const string Other = "other";

    public static IReadOnlyList<LatencyGroup> Compute(IEnumerable<OutcomeRow> rows, IEnumerable<string> tasks)
    {
        var names = tasks.ToList();
        return From(OutcomeTally.Of(rows.ToList(), names), names);
    }

    /// <summary>The groups from the tally's latencies, already sorted; empty groups left out.</summary>
    internal static IReadOnlyList<LatencyGroup> From(OutcomeTally tally, IEnumerable<string> tasks) =>
        tasks.SelectMany(task => new[]
            {
                new LatencyGroup(task, Self, tally.Task(task).SelfLatencies),
                new LatencyGroup(task, Other, tally.Task(task).OtherLatencies),
            })
            .Where(g => g.LatenciesMs.Count > 0)
            .ToList();
}
