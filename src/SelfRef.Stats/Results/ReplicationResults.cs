using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Results;

/// <summary>Power table rows for one task's reference proportion.</summary>
/// <param name="Reference">The reference proportion; for a task tested against chance, the mean chance of its participants.</param>
/// <param name="AgainstMeanChance">
/// The task is tested against each participant's chance: the rows are for the exact binomial test at the mean chance,
/// which stands in for the Poisson-binomial test of future participants whose chances are not known yet.
/// </param>
public sealed record TaskPowerTable(string Task, double Reference, IReadOnlyList<ExactBinomialPowerResult> Rows, bool AgainstMeanChance = false);

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
    /// <summary>The rows as counted: one per participant and task, names compared ignoring case (see <see cref="TidyOutcomes"/>).</summary>
    public TidyOutcomes Tidy { get; init; } = new([], [], []);

    /// <summary>Each task's outcome by device class, pointer type and language (descriptive).</summary>
    public IReadOnlyList<Breakdown> Breakdowns { get; init; } = [];

    /// <summary>The tasks whose rows record human coding: coders per answer and answers without an agreed code.</summary>
    public IReadOnlyList<TaskCoding> Coding { get; init; } = [];

    /// <summary>How the study compares with its preregistration (ReportOptions.Preregistration); null without one.</summary>
    public Preregistration.Deviations? Deviations { get; init; }

    /// <summary>Task order: as the task types are registered (pen, map, …), then any other task alphabetically.</summary>
    public static IReadOnlyList<string> TaskOrder(IEnumerable<OutcomeRow> rows) => TaskOrder(rows.Select(r => r.Task));

    /// <summary>Task order of these task names (each once): as the task types are registered, then any other task alphabetically.</summary>
    public static IReadOnlyList<string> TaskOrder(IEnumerable<string> taskNames)
    {
        var registered = StepTypes.Tasks.Select(t => t.Name).ToList();
        return taskNames.Distinct(StringComparer.Ordinal)
            .OrderBy(t => registered.IndexOf(t) is var i && i >= 0 ? i : int.MaxValue).ThenBy(t => t, StringComparer.Ordinal).ToList();
    }

    /// <param name="table">The outcome table as read; counted as <see cref="TidyOutcomes"/> makes it (one row per participant and task).</param>
    public static ReplicationResults Compute(IReadOnlyList<OutcomeRow> table, ReportOptions options)
    {
        var pass = new OutcomePass(options, keepRows: true);
        foreach (var row in table) pass.Add(row);
        return pass.Finish(options, table).Results;
    }

    /// <summary>Per task (ignoring case), the column holding each participant's chance, as the options name it.</summary>
    internal static IReadOnlyDictionary<string, string> ChanceColumns(ReportOptions options) =>
        new Dictionary<string, string>(options.ChanceColumns.DistinctBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);

    /// <summary>Every estimate, from the rows as counted and their one-pass tally (<see cref="OutcomePass"/>).</summary>
    internal static ReplicationResults From(TidyOutcomes tidy, OutcomeTally tally, ReportOptions options)
    {
        var tasks = tally.Tasks;
        // Task names are compared ignoring case everywhere, so the options' keys are too.
        var references = new Dictionary<string, double>(options.References.DistinctBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        double? Reference(string task) => references.TryGetValue(task, out var p) ? p : null;
        // Every statistic below works on the tally's aggregates.
        var taskResults = tasks.Select(t => TaskResult.From(tally.Task(t), t, Reference(t), options.ConfidenceLevel)).ToList();
        var power = taskResults.Select(t => t switch
            {
                { Chance: { } c } => new TaskPowerTable(t.Task, c.MeanChance,
                    ExactBinomialPower.Table(c.MeanChance, options.ChancePowerDifferences, options.Alpha, options.TargetPower), AgainstMeanChance: true),
                { Reference: { } p0 } => new TaskPowerTable(t.Task, p0,
                    ExactBinomialPower.Table(p0, options.PowerDifferences, options.Alpha, options.TargetPower)),
                _ => null,
            })
            .OfType<TaskPowerTable>().ToList();
        var coding = options.Coding is { Count: > 0 } pairs
            ? CohensKappa.Compute(pairs.Select(p => p.CoderA).ToList(), pairs.Select(p => p.CoderB).ToList(), options.ConfidenceLevel)
            : null;
        var results = new ReplicationResults(
            taskResults,
            tasks.Select(t => ConditionComparison.From(tally.Task(t), t, options.ConfidenceLevel, options.Fisher)).OfType<ConditionComparison>().ToList(),
            LatencyGroup.From(tally, tasks),
            tally.DistancesKm,
            options.Funnel ?? tally.Funnel(),
            power,
            coding,
            tally.Participants)
        {
            Tidy = tidy,
            Breakdowns = Breakdown.From(tally, options.ConfidenceLevel),
            Coding = TaskCoding.From(tally),
        };
        return options.Preregistration is { } plan ? results with { Deviations = Preregistration.Deviations.Of(plan, results, options) } : results;
    }
}
