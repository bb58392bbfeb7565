using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>
/// A task's first-action outcome split by one thing the participant page recorded (device class, pointer
/// type, language): descriptive, one Wilson interval per value, no test. The values' n add up to the task's n.
/// </summary>
/// <param name="Dimension">What is split by, as the report names it ("device", "pointer type", "language").</param>
/// <param name="Column">The outcome table's column it comes from.</param>
public sealed record Breakdown(string Dimension, string Column, IReadOnlyList<BreakdownTask> Tasks)
{
    /// <summary>The value of a row whose column is empty: the page did not say (an older session, no action, a copied table).</summary>
    public const string Unknown = "unknown";

    /// <summary>The three breakdowns of the report, each over the tasks with classified rows, in task order.</summary>
    public static IReadOnlyList<Breakdown> Compute(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, double level) =>
    [
        Of("device", OutcomeColumns.Device, r => r.Device, ["desktop", "tablet", "phone"], rows, tasks, level),
        Of("pointer type", OutcomeColumns.PointerType, r => r.PointerType, ["mouse", "touch", "pen", "keyboard"], rows, tasks, level),
        Of("language", OutcomeColumns.Language, r => r.Language, [], rows, tasks, level),
    ];

    /// <param name="known">Values in the order they are listed; others follow alphabetically, <see cref="Unknown"/> last.</param>
    public static Breakdown Of(string dimension, string column, Func<OutcomeRow, string> value, IList<string> known,
        IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, double level)
    {
        // One pass over the rows: (task, value) → classified rows, self-referential ones.
        var counts = new Dictionary<(string Task, string Value), (int N, int K)>();
        foreach (var row in rows)
        {
            if (row.SelfReference is not { } self) continue;
            var key = (row.Task, value(row) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim().ToLowerInvariant() : Unknown);
            var (n, k) = counts.GetValueOrDefault(key);
            counts[key] = (n + 1, k + (self ? 1 : 0));
        }
        int Rank(string v) => v == Unknown ? int.MaxValue : known.IndexOf(v) is var i && i >= 0 ? i : known.Count;
        var perTask = tasks.Select(task => new BreakdownTask(task, counts
                .Where(c => c.Key.Task == task)
                .OrderBy(c => Rank(c.Key.Value)).ThenBy(c => c.Key.Value, StringComparer.Ordinal)
                .Select(c => new ConditionLevel(c.Key.Value, c.Value.N, c.Value.K, WilsonInterval.Compute(c.Value.K, c.Value.N, level)))
                .ToList()))
            .Where(t => t.Levels.Count > 0)
            .ToList();
        return new Breakdown(dimension, column, perTask);
    }
}

/// <summary>One task's classified rows by the values of a breakdown.</summary>
public sealed record BreakdownTask(string Task, IReadOnlyList<ConditionLevel> Levels);
