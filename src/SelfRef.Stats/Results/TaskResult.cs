using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>Everything the report says about one task.</summary>
/// <param name="N">Participants with a classified first action (self-referential or not).</param>
/// <param name="Missing">Rows without a classification, counted per reason.</param>
/// <param name="Reference">Reference proportion; null when the options name none for this task.</param>
public sealed record TaskResult(
    string Task, int N, int K, double Proportion, double? Reference,
    ProportionInterval Wilson, ProportionInterval ClopperPearson,
    ExactBinomialTestResult? Binomial, CohensHResult? CohensH,
    LatencySummaryResult Latency, MannWhitneyResult? LatencyBySelfReference,
    IReadOnlyDictionary<string, int> Missing)
{
    public static TaskResult? Compute(IEnumerable<OutcomeRow> rows, string task, double? reference, double level)
    {
        var all = rows.Where(r => r.Task == task).ToList();
        var coded = all.Where(r => r.SelfReference is not null).ToList();
        if (coded.Count == 0) return null;
        var n = coded.Count;
        var k = coded.Count(r => r.SelfReference == true);
        var missing = all.Where(r => r.SelfReference is null)
            .GroupBy(r => r.MissingReason ?? "unknown")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        var self = LatenciesOf(coded, true);
        var other = LatenciesOf(coded, false);
        return new TaskResult(
            task, n, k, (double)k / n, reference,
            WilsonInterval.Compute(k, n, level),
            ClopperPearsonInterval.Compute(k, n, level),
            reference is { } p0 ? ExactBinomialTest.Compute(k, n, p0) : null,
            reference is { } p ? Estimators.CohensH.Compute((double)k / n, p) : null,
            LatencySummary.Compute(coded.Where(r => r.LatencyMs is not null).Select(r => r.LatencyMs!.Value)),
            self.Length > 0 && other.Length > 0 && self.Concat(other).Distinct().Count() > 1 ? MannWhitney.Compute(self, other) : null,
            missing);
    }

    private static double[] LatenciesOf(IEnumerable<OutcomeRow> rows, bool selfReference) =>
        rows.Where(r => r.SelfReference == selfReference && r.LatencyMs is not null).Select(r => r.LatencyMs!.Value).ToArray();
}
