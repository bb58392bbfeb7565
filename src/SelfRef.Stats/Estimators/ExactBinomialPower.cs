namespace SelfRef.Stats.Estimators;

/// <param name="N">Smallest sample size whose power reaches <paramref name="TargetPower"/>; null if none up to <paramref name="MaxN"/>.</param>
/// <param name="Power">Power at <paramref name="N"/> (NaN when N is null).</param>
public sealed record ExactBinomialPowerResult(double P0, double P1, double Alpha, double TargetPower, int? N, double Power, double CohensH, int MaxN);

/// <summary>
/// Power of R's two-sided exact binomial test (<see cref="ExactBinomialTest"/>) of H0: p = p0
/// when the true proportion is p1: the probability under p1 of an x whose p-value is ≤ alpha.
/// Because x is discrete, power is a saw-tooth in n, not monotone: a larger n can have
/// slightly less power. The sample size reported is the smallest n whose power is at least
/// the target; a few larger n may fall just below it again.
/// </summary>
public static class ExactBinomialPower
{
    public const int DefaultMaxN = 5000;

    public static double PowerAt(int n, double p0, double p1, double alpha = 0.05)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "needs at least one observation");
        Check(p0, p1, alpha);
        return Power(UnimodalTails.BinomialPmf(n, p0), UnimodalTails.BinomialPmf(n, p1), p0, alpha);
    }

    public static ExactBinomialPowerResult SmallestN(double p0, double p1, double alpha = 0.05, double targetPower = 0.8, int maxN = DefaultMaxN)
    {
        Check(p0, p1, alpha);
        if (!(targetPower > 0 && targetPower < 1)) throw new ArgumentOutOfRangeException(nameof(targetPower), targetPower, "must lie strictly between 0 and 1");
        var h = CohensH.Compute(p1, p0).H;
        // Both mass functions grow one n at a time by the recurrence
        // P_n(k) = p·P_{n−1}(k−1) + (1−p)·P_{n−1}(k): O(n) per step, sums of positive terms only.
        var d0 = new double[maxN + 1];
        var d1 = new double[maxN + 1];
        d0[0] = d1[0] = 1;
        for (var n = 1; n <= maxN; n++)
        {
            Step(d0, n, p0);
            Step(d1, n, p1);
            var power = Power(d0.AsSpan(0, n + 1).ToArray(), d1.AsSpan(0, n + 1).ToArray(), p0, alpha);
            if (power >= targetPower) return new ExactBinomialPowerResult(p0, p1, alpha, targetPower, n, power, h, maxN);
        }
        return new ExactBinomialPowerResult(p0, p1, alpha, targetPower, null, double.NaN, h, maxN);
    }

    /// <summary>One row per alternative p0 + difference; differences that leave (0, 1) are skipped.</summary>
    public static IReadOnlyList<ExactBinomialPowerResult> Table(double p0, IEnumerable<double> differences, double alpha = 0.05, double targetPower = 0.8, int maxN = DefaultMaxN) =>
        differences
            .Select(d => Math.Round(p0 + d, 12))
            .Where(p1 => p1 > 0 && p1 < 1 && p1 != p0)
            .Select(p1 => SmallestN(p0, p1, alpha, targetPower, maxN))
            .ToList();

    private static void Step(double[] d, int n, double p)
    {
        var q = 1 - p;
        for (var k = n; k >= 1; k--) d[k] = p * d[k - 1] + q * d[k];
        d[0] *= q;
    }

    private static double Power(double[] pmf0, double[] pmf1, double p0, double alpha)
    {
        var test = new UnimodalTails(pmf0, (pmf0.Length - 1) * p0);
        double power = 0;
        for (var x = 0; x < pmf0.Length; x++)
            if (test.PValue(x) <= alpha) power += pmf1[x];
        return power;
    }

    private static void Check(double p0, double p1, double alpha)
    {
        Guard.Probability(p0, nameof(p0));
        Guard.Probability(p1, nameof(p1));
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must lie strictly between 0 and 1");
    }
}
