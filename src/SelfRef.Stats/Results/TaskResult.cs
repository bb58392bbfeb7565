using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>Everything the report says about one task.</summary>
/// <param name="N">Participants with a classified first action (self-referential or not).</param>
/// <param name="Reference">Reference proportion; null when the options name none for this task, or when it is tested against chance.</param>
/// <param name="Missing">Rows without a classification, counted per reason.</param>
/// <param name="Chance">
/// The exact Poisson-binomial test against each participant's chance, for a task whose rows carry
/// a chance (a column with the role Chance); then the task is not tested against a reference.
/// </param>
/// <param name="WithoutChance">Classified rows of such a task without a chance value: left out of the chance test.</param>
/// <param name="Latency">Latencies of the classified rows only (its N counts those); see <paramref name="LatencyUnclassified"/>.</param>
/// <param name="LatencyUnclassified">Rows with a latency but no classification: not in <paramref name="Latency"/>.</param>
public sealed record TaskResult(
    string Task, int N, int K, double Proportion, double? Reference,
    ProportionInterval Wilson, ProportionInterval ClopperPearson,
    ExactBinomialTestResult? Binomial, CohensHResult? CohensH,
    LatencySummaryResult Latency, MannWhitneyResult? LatencyBySelfReference,
    IReadOnlyDictionary<string, int> Missing,
    PoissonBinomialTestResult? Chance = null, int WithoutChance = 0, int LatencyUnclassified = 0)
{
    /// <param name="chanceColumn">
    /// The task's column that holds each participant's chance (see ReportOptions.ChanceColumns), or null.
    /// When classified rows carry a value there, the task is tested against those chances instead of
    /// <paramref name="reference"/>.
    /// </param>
    /// <remarks>
    /// A task whose rows are all unclassified still gets a result: n = 0, no proportion, no interval, no
    /// test, and its rows counted by missing reason, so the report keeps it with the reason instead of
    /// dropping it.
    /// </remarks>
    public static TaskResult Compute(IEnumerable<OutcomeRow> rows, string task, double? reference, double level, string? chanceColumn = null)
    {
        var chanceColumns = chanceColumn is null ? null : new Dictionary<string, string> { [task] = chanceColumn };
        return From(OutcomeTally.Of(rows.Where(r => r.Task == task).ToList(), [task], chanceColumns).Task(task), task, reference, level);
    }

    /// <summary>The task's result from its aggregates (see <see cref="OutcomeTally"/>); the chances there, if any, replace the reference.</summary>
    internal static TaskResult From(OutcomeTally.TaskTally tally, string task, double? reference, double level)
    {
        var (n, k) = (tally.N, tally.K);
        var missing = tally.Missing.OrderBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => m.Value);
        if (n == 0)
        {
            var none = new ProportionInterval(0, 0, double.NaN, double.NaN, double.NaN, level, "none: n = 0");
            return new TaskResult(task, 0, 0, double.NaN, reference, none, none, null, null,
                LatencySummary.Compute([]), null, missing, null, 0, tally.LatencyUnclassified);
        }
        var (self, other) = (tally.SelfLatencies, tally.OtherLatencies);
        var chance = tally.Chances.Count > 0 ? PoissonBinomialTest.Compute(tally.ChanceK, tally.Chances, level) : null;
        if (chance is not null) reference = null;
        // Mann–Whitney needs two groups and at least two distinct values among them (both arrays are sorted).
        var varies = self.Length > 0 && other.Length > 0 && (self[0] != self[^1] || other[0] != other[^1] || self[0] != other[0]);

        return new TaskResult(
            task, n, k, (double)k / n, reference,
            WilsonInterval.Compute(k, n, level),
            ClopperPearsonInterval.Compute(k, n, level),
            reference is { } p0 ? ExactBinomialTest.Compute(k, n, p0) : null,
            reference is { } p ? Estimators.CohensH.Compute((double)k / n, p) : null,
            LatencySummary.FromSorted(tally.ClassifiedLatencies()),
            varies ? MannWhitney.FromSorted(self, other) : null,
            missing,
            chance,
            chance is null ? 0 : n - tally.Chances.Count,
            tally.LatencyUnclassified);
    }
}
