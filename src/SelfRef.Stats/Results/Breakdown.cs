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

    /// <summary>The three breakdowns: dimension, column, the values listed first (others follow alphabetically, <see cref="Unknown"/> last).</summary>
    internal static readonly (string Dimension, string Column, string[] Known)[] Columns =
    [
        ("device", OutcomeColumns.Device, ["desktop", "tablet", "phone"]),
        ("pointer type", OutcomeColumns.PointerType, ["mouse", "touch", "pen", "keyboard"]),
        ("language", OutcomeColumns.Language, []),
    ];

    /// <summary>The three breakdowns of the report, each over the tasks with classified rows, in task order.</summary>
    public static IReadOnlyList<Breakdown> Compute(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, double level) =>
        From(OutcomeTally.Of(rows, tasks), level);

    /// <summary>From the tally's classified rows per value as written: values compared trimmed and ignoring case, blank ones <see cref="Unknown"/>.</summary>
    internal static IReadOnlyList<Breakdown> From(OutcomeTally tally, double level) =>
        Columns.Select((c, d) =>
        {
            int Rank(string v) => v == Unknown ? int.MaxValue : Array.IndexOf(c.Known, v) is var i && i >= 0 ? i : c.Known.Length;
            var perTask = tally.Tasks.Select(task =>
                {
                    var counts = new Dictionary<string, (int N, int K)>(StringComparer.Ordinal);
                    foreach (var (written, (n, k)) in tally.Task(task).ByValue[d])
                    {
                        var value = string.IsNullOrWhiteSpace(written) ? Unknown : written.Trim().ToLowerInvariant();
                        var sum = counts.GetValueOrDefault(value);
                        counts[value] = (sum.N + n, sum.K + k);
                    }
                    return new BreakdownTask(task, counts
                        .OrderBy(v => Rank(v.Key)).ThenBy(v => v.Key, StringComparer.Ordinal)
                        .Select(v => new ConditionLevel(v.Key, v.Value.N, v.Value.K, WilsonInterval.Compute(v.Value.K, v.Value.N, level)))
                        .ToList());
                })
                .Where(t => t.Levels.Count > 0)
                .ToList();
            return new Breakdown(c.Dimension, c.Column, perTask);
        }).ToList();
}

/// <summary>One task's classified rows by the values of a breakdown.</summary>
public sealed record BreakdownTask(string Task, IReadOnlyList<ConditionLevel> Levels);
