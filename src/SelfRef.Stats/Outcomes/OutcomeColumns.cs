using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;

namespace SelfRef.Stats.Outcomes;

/// <summary>Column names of the outcome table, snake_case so R and pandas read them as they are.</summary>
public static class OutcomeColumns
{
    public const string Participant = "participant";
    public const string Experiment = "experiment";
    public const string Task = "task";
    public const string Condition = "condition";
    public const string TaskOrder = "task_order";
    public const string Device = "device";
    public const string PointerType = "pointer_type";
    public const string Language = "language";
    public const string LatencyMs = "latency_ms";
    public const string SelfReference = "self_reference";
    public const string MissingReason = "missing_reason";
    public const string MatchDetail = "match_detail";
    public const string Completed = "completed";
    public const string Version = "version";
    public const string Pilot = "pilot";
    public const string Excluded = "excluded";
    public const string ExclusionReason = "exclusion_reason";

    /// <summary>The columns every task has, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> Common =
    [
        Participant, Experiment, Task, Condition, TaskOrder, Device, PointerType, Language,
        LatencyMs, SelfReference, MissingReason, MatchDetail, Completed, Version,
    ];

    /// <summary>
    /// How a row stands in the study, written after the common columns: a pilot run, or a session a
    /// researcher excluded (and why). The analysis leaves such rows out unless asked for.
    /// </summary>
    public static readonly IReadOnlyList<string> Marks = [Pilot, Excluded, ExclusionReason];

    public static readonly IReadOnlyList<string> Required = [Participant, Task, Condition, SelfReference, LatencyMs];

    /// <summary>The task types' own columns, of the given tasks (all when null), in the order the task types are registered.</summary>
    public static IReadOnlyList<OutcomeColumn> TaskColumns(IEnumerable<string>? tasks = null)
    {
        var wanted = tasks?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return StepTypes.Tasks.Where(t => wanted is null || wanted.Contains(t.Name)).SelectMany(t => t.Columns).DistinctBy(c => c.Name).ToList();
    }

    /// <summary>Every column of a table of these tasks: the common ones, then the tasks' own.</summary>
    public static IReadOnlyList<string> All(IEnumerable<string>? tasks = null) => [.. Common, .. Marks, .. TaskColumns(tasks).Select(c => c.Name)];

    /// <summary>Task columns that point at the participant: left out of exports unless asked for.</summary>
    public static IReadOnlySet<string> Identifying { get; } = StepTypes.Tasks.SelectMany(t => t.Columns).Where(c => c.Identifying).Select(c => c.Name).ToHashSet();
}
