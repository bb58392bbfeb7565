using MathNet.Numerics.Distributions;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// Wilson score interval without continuity correction; equals R's
/// <c>prop.test(k, n, correct = FALSE)$conf.int</c>.
/// </summary>
public static class WilsonInterval
{
    public static ProportionInterval Compute(int k, int n, double level = 0.95)
    {
        Guard.Counts(k, n);
        Guard.Level(level);
        var z = Normal.InvCDF(0, 1, (1 + level) / 2);
        var p = (double)k / n;
        var z22n = z * z / (2.0 * n);
        // R's expression order, and its exact 0 and 1 at the boundaries.
        var half = z * Math.Sqrt(p * (1 - p) / n + z22n / (2.0 * n));
        var high = p >= 1 ? 1 : (p + z22n + half) / (1 + 2 * z22n);
        var low = p <= 0 ? 0 : (p + z22n - half) / (1 + 2 * z22n);
        return new ProportionInterval(k, n, p, Math.Max(low, 0), Math.Min(high, 1), level, "Wilson score");
    }
}
