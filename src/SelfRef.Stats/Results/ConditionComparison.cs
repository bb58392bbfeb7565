using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>One condition level of one task: its proportion with a Wilson interval.</summary>
public sealed record ConditionLevel(string Level, int N, int K, ProportionInterval Wilson);

/// <summary>
/// Conditions compared within one task: the 2×K table, Fisher's exact test, Pearson's
/// chi-square and the difference of every level from the first (alphabetical) level.
/// </summary>
public sealed record ConditionComparison(
    string Task, IReadOnlyList<ConditionLevel> Levels, ContingencyTable Table,
    FisherExactTestResult Fisher, PearsonChiSquareResult ChiSquare,
    IReadOnlyList<ProportionDifference> DifferencesFromFirst)
{
    /// <summary>
    /// Two levels only: the conditional MLE odds ratio of the second level against the first, the
    /// direction of <see cref="DifferencesFromFirst"/> (above 1 when the second level's proportion is
    /// higher). Fisher's estimate on the table (levels as columns) is the first level against the second,
    /// as R's fisher.test gives it; the conditional MLE of the swapped table is exactly its reciprocal.
    /// </summary>
    public double? OddsRatioVsFirst => Fisher.OddsRatio is { } odds ? 1 / odds : null;

    /// <summary>Null when the task has fewer than two condition levels with classified rows.</summary>
    /// <param name="fisher">When Fisher's test may fall back to a Monte Carlo p-value, and with which seed; the defaults when null.</param>
    public static ConditionComparison? Compute(IEnumerable<OutcomeRow> rows, string task, double level, FisherExactTestOptions? fisher = null) =>
        From(OutcomeTally.Of(rows.Where(r => r.Task == task).ToList(), [task]).Task(task), task, level, fisher);

    /// <summary>From the task's classified rows counted per level (see <see cref="OutcomeTally"/>).</summary>
    internal static ConditionComparison? From(OutcomeTally.TaskTally tally, string task, double level, FisherExactTestOptions? fisher = null)
    {
        var groups = tally.Levels.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (Level: g.Key, g.Value.N, g.Value.K)).ToList();
        if (groups.Count < 2) return null;
        var table = new ContingencyTable(groups.Select(g => g.Level).ToList(), groups.Select(g => g.K).ToList(), groups.Select(g => g.N).ToList());
        var matrix = table.ToMatrix();
        var first = groups[0];
        return new ConditionComparison(
            task,
            groups.Select(g => new ConditionLevel(g.Level, g.N, g.K, WilsonInterval.Compute(g.K, g.N, level))).ToList(),
            table,
            FisherExactTest.Compute(matrix, fisher),
            PearsonChiSquare.Compute(matrix),
            groups.Skip(1).Select(g => NewcombeDifference.Compute(g.K, g.N, first.K, first.N, level)).ToList());
    }
}
