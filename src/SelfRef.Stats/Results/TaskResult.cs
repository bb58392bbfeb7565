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
        var all = rows.Where(r => r.Task == task).ToList();
        var coded = all.Where(r => r.SelfReference is not null).ToList();
        var n = coded.Count;
        var k = coded.Count(r => r.SelfReference == true);
        var missing = all.Where(r => r.SelfReference is null)
            .GroupBy(r => r.MissingReason ?? "unknown")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        var latencyUnclassified = all.Count(r => r.SelfReference is null && r.LatencyMs is not null);
        if (n == 0)
        {
            var none = new ProportionInterval(0, 0, double.NaN, double.NaN, double.NaN, level, "none: n = 0");
            return new TaskResult(task, 0, 0, double.NaN, reference, none, none, null, null,
                LatencySummary.Compute([]), null, missing, null, 0, latencyUnclassified);
        }
        var self = LatenciesOf(coded, true);
        var other = LatenciesOf(coded, false);

        var withChance = chanceColumn is null ? [] : coded.Select(r => (r.SelfReference, Chance: ChanceOf(r, chanceColumn))).Where(r => r.Chance is not null).ToList();
        var chance = withChance.Count > 0
            ? PoissonBinomialTest.Compute(withChance.Count(r => r.SelfReference == true), withChance.Select(r => r.Chance!.Value).ToList(), level)
            : null;
        if (chance is not null) reference = null;

        return new TaskResult(
            task, n, k, (double)k / n, reference,
            WilsonInterval.Compute(k, n, level),
            ClopperPearsonInterval.Compute(k, n, level),
            reference is { } p0 ? ExactBinomialTest.Compute(k, n, p0) : null,
            reference is { } p ? Estimators.CohensH.Compute((double)k / n, p) : null,
            LatencySummary.Compute(coded.Where(r => r.LatencyMs is not null).Select(r => r.LatencyMs!.Value)),
            self.Length > 0 && other.Length > 0 && self.Concat(other).Distinct().Count() > 1 ? MannWhitney.Compute(self, other) : null,
            missing,
            chance,
            chance is null ? 0 : n - withChance.Count,
            latencyUnclassified);
    }

    private static double? ChanceOf(OutcomeRow row, string column) => row.Number(column) switch
    {
        null => null,
        >= 0 and <= 1 and var chance => chance,
        var other => throw new ArgumentException(
            $"participant {row.Participant}, task {row.Task}: the chance in column {column} is {other}; a chance must lie between 0 and 1", nameof(row)),
    };

    private static double[] LatenciesOf(IEnumerable<OutcomeRow> rows, bool selfReference) =>
        rows.Where(r => r.SelfReference == selfReference && r.LatencyMs is not null).Select(r => r.LatencyMs!.Value).ToArray();
}
