using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// Exact (Clopper–Pearson) interval from beta quantiles; equals R's <c>binom.test(k, n)$conf.int</c>.
/// </summary>
public static class ClopperPearsonInterval
{
    public static ProportionInterval Compute(int k, int n, double level = 0.95)
    {
        Guard.Counts(k, n);
        Guard.Level(level);
        var alpha = (1 - level) / 2;
        var low = k == 0 ? 0 : BetaQuantile(alpha, k, n - k + 1);
        var high = k == n ? 1 : BetaQuantile(1 - alpha, k + 1, n - k);
        return new ProportionInterval(k, n, (double)k / n, low, high, level, "Clopper-Pearson");
    }

    /// <summary>
    /// MathNet's Beta.InvCDF stops at an absolute accuracy of about 1e-12, which is a large
    /// relative error for the tiny lower limits of rare events; Newton steps on the
    /// regularized incomplete beta restore full relative precision.
    /// </summary>
    internal static double BetaQuantile(double p, double a, double b)
    {
        var x = Beta.InvCDF(a, b, p);
        for (var i = 0; i < 8; i++)
        {
            var density = Beta.PDF(a, b, x);
            if (!(density > 0) || !double.IsFinite(density)) break;
            var next = x - (SpecialFunctions.BetaRegularized(a, b, x) - p) / density;
            if (!(next > 0 && next < 1)) break;
            var converged = Math.Abs(next - x) <= 1e-15 * x;
            x = next;
            if (converged) break;
        }
        return x;
    }
}
