namespace SelfRef.Stats.Estimators;

/// <summary>
/// log P(X = x) for X ~ Binomial(n, p), accurate to about 1e-15 in absolute terms for any n:
/// Loader's (2000) saddle-point form, as R's <c>dbinom(log = TRUE)</c> computes it. Fisher's
/// exact test for 2×K tables works in these units because the probability of a table is
/// Π_j dbinom(x_j; c_j, p) / dbinom(R; N, p) for any p, and the per-column terms stay small
/// (a few units) where log-factorials of 100,000 are near 10⁶ and lose ten digits when subtracted.
/// </summary>
internal static class BinomialLogDensity
{
    private const double LnTwoPi = 1.8378770664093454835606594728112;

    // log n! − log(√(2πn) (n/e)ⁿ) for n = 0..15, computed with 40-digit arithmetic (mpmath); index 0 is unused.
    private static readonly double[] SmallStirlingError =
    [
        0,
        0.08106146679532725821967026, 0.04134069595540929409382208, 0.02767792568499833914878929,
        0.02079067210376509311152277, 0.01664469118982119216319487, 0.01387612882307074799874573,
        0.01189670994589177009505572, 0.01041126526197209649747857, 0.009255462182712732917728637,
        0.008330563433362871256469319, 0.007573675487951840794972024, 0.006942840107209529865664153,
        0.006408994188004207068439631, 0.005951370112758847735624416, 0.00555473355196280137103869,
    ];

    /// <param name="q">1 − p, passed separately so that it is exact when p is close to 1.</param>
    public static double Log(int x, int n, double p, double q)
    {
        if (x < 0 || x > n) return double.NegativeInfinity;
        if (p == 0) return x == 0 ? 0 : double.NegativeInfinity;
        if (q == 0) return x == n ? 0 : double.NegativeInfinity;
        if (x == 0) return n == 0 ? 0 : p < 0.1 ? -Deviance(n, n * q) - n * p : n * Math.Log(q);
        if (x == n) return q < 0.1 ? -Deviance(n, n * p) - n * q : n * Math.Log(p);
        var lc = StirlingError(n) - StirlingError(x) - StirlingError(n - x) - Deviance(x, n * p) - Deviance(n - x, n * q);
        var lf = LnTwoPi + Math.Log(x) + Math.Log(1 - (double)x / n);
        return lc - 0.5 * lf;
    }

    private static double StirlingError(int n)
    {
        if (n <= 15) return SmallStirlingError[n];
        const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        double v = n, nn = v * v;
        if (n > 500) return (s0 - s1 / nn) / v;
        if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / v;
        if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / v;
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / v;
    }

    /// <summary>x log(x/np) + np − x without the cancellation of its direct form when x ≈ np.</summary>
    private static double Deviance(double x, double np)
    {
        if (Math.Abs(x - np) < 0.1 * (x + np))
        {
            var v = (x - np) / (x + np);
            var s = (x - np) * v;
            if (Math.Abs(s) < 2.2250738585072014e-308) return s; // DBL_MIN: v underflowed
            var ej = 2 * x * v;
            v *= v;
            for (var j = 1; j < 1000; j++)
            {
                ej *= v;
                var s1 = s + ej / (2 * j + 1);
                if (s1 == s) return s1;
                s = s1;
            }
        }
        return x * Math.Log(x / np) + np - x;
    }
}
