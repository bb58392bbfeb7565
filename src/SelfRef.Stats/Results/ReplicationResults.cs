using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Results;

/// <summary>Power table rows for one task's reference proportion.</summary>
public sealed record TaskPowerTable(string Task, double Reference, IReadOnlyList<ExactBinomialPowerResult> Rows);

/// <summary>All estimates of one report, computed once and shared by the text, the figures and results.json.</summary>
public sealed record ReplicationResults(
    IReadOnlyList<TaskResult> Tasks,
    IReadOnlyList<ConditionComparison> Conditions,
    IReadOnlyList<LatencyGroup> LatencyGroups,
    IReadOnlyList<double> DistancesKm,
    IReadOnlyList<FunnelStage> Funnel,
    IReadOnlyList<TaskPowerTable> Power,
    CohensKappaResult? Kappa,
    int Participants)
{
    /// <summary>Task order: pen, map, then any other task alphabetically.</summary>
    public static IReadOnlyList<string> TaskOrder(IEnumerable<OutcomeRow> rows) =>
        rows.Select(r => r.Task).Distinct(StringComparer.Ordinal)
            .OrderBy(t => t switch { "pen" => 0, "map" => 1, _ => 2 }).ThenBy(t => t, StringComparer.Ordinal).ToList();

    public static ReplicationResults Compute(IReadOnlyList<OutcomeRow> outcomes, ReportOptions options)
    {
        var tasks = TaskOrder(outcomes);
        double? Reference(string task) => options.References.TryGetValue(task, out var p) ? p : null;
        var taskResults = tasks.Select(t => TaskResult.Compute(outcomes, t, Reference(t), options.ConfidenceLevel))
            .OfType<TaskResult>().ToList();
        var power = taskResults.Where(t => t.Reference is not null)
            .Select(t => new TaskPowerTable(t.Task, t.Reference!.Value,
                ExactBinomialPower.Table(t.Reference.Value, options.PowerDifferences, options.Alpha, options.TargetPower)))
            .ToList();
        var coding = options.Coding is { Count: > 0 } pairs
            ? CohensKappa.Compute(pairs.Select(p => p.CoderA).ToList(), pairs.Select(p => p.CoderB).ToList(), options.ConfidenceLevel)
            : null;
        return new ReplicationResults(
            taskResults,
            tasks.Select(t => ConditionComparison.Compute(outcomes, t, options.ConfidenceLevel, options.Fisher)).OfType<ConditionComparison>().ToList(),
            LatencyGroup.Compute(outcomes, tasks),
            outcomes.Where(r => r.DistanceKm is not null).Select(r => r.DistanceKm!.Value).ToList(),
            options.Funnel ?? FunnelStage.FromOutcomes(outcomes, tasks),
            power,
            coding,
            outcomes.Select(r => r.Participant).Distinct().Count());
    }
}
