using MathNet.Numerics;
using MathNet.Numerics.RootFinding;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// Conditional maximum-likelihood odds ratio of a 2×2 table (the estimate R's fisher.test
/// prints): the ψ at which the mean of Fisher's noncentral hypergeometric distribution
/// equals the observed top-left cell. R finds it with uniroot's default tolerance
/// (about 1e-4); this solves to near machine precision.
/// </summary>
internal static class ConditionalOddsRatio
{
    public static double Estimate(int[,] t)
    {
        int x = t[0, 0], m = t[0, 0] + t[1, 0], n = t[0, 1] + t[1, 1], k = t[0, 0] + t[0, 1];
        int lo = Math.Max(0, k - n), hi = Math.Min(k, m);
        // R checks the lower end first, so a table with only one possible arrangement reports 0.
        if (x == lo) return 0;
        if (x == hi) return double.PositiveInfinity;
        var logd = Enumerable.Range(lo, hi - lo + 1)
            .Select(s => SpecialFunctions.BinomialLn(m, s) + SpecialFunctions.BinomialLn(n, k - s)).ToArray();

        double Mean(double logPsi)
        {
            var w = logd.Select((v, i) => v + logPsi * (lo + i)).ToArray();
            var max = w.Max();
            double sum = 0, weighted = 0;
            for (var i = 0; i < w.Length; i++)
            {
                var e = Math.Exp(w[i] - max);
                sum += e;
                weighted += e * (lo + i);
            }
            return weighted / sum;
        }

        // The mean rises monotonically in log ψ, so a bracketed root in log ψ is safe.
        double a = -1, b = 1;
        while (Mean(a) > x) a *= 2;
        while (Mean(b) < x) b *= 2;
        return Math.Exp(Brent.FindRoot(lp => Mean(lp) - x, a, b, 1e-14, 200));
    }
}
