using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>Latencies (ms) of one task's participants with one outcome ("self-referential", "other").</summary>
public sealed record LatencyGroup(string Task, string Outcome, IReadOnlyList<double> LatenciesMs)
{
    public const string Self = "self-referential";
    public const string Other = "other";

    public static IReadOnlyList<LatencyGroup> Compute(IEnumerable<OutcomeRow> rows, IEnumerable<string> tasks)
    {
        var list = rows.ToList();
        return tasks.SelectMany(task => new[] { (true, Self), (false, Other) }
                .Select(o => new LatencyGroup(task, o.Item2,
                    list.Where(r => r.Task == task && r.SelfReference == o.Item1 && r.LatencyMs is not null)
                        .Select(r => r.LatencyMs!.Value).Order().ToList())))
            .Where(g => g.LatenciesMs.Count > 0)
            .ToList();
    }
}
