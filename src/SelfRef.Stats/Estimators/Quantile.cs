namespace SelfRef.Stats.Estimators;

/// <summary>Sample quantile, R's <c>quantile(x, p, type = 7)</c>.</summary>
public static class Quantile
{
    public static double Type7(IEnumerable<double> values, double p)
    {
        var x = values.ToArray();
        Array.Sort(x);
        return Type7Sorted(x, p);
    }

    internal static double Type7Sorted(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "must lie between 0 and 1");
        // 1-based index as in R's source, and R's form (1 − h)·lo + h·hi, so results match to the last bit.
        var index = 1 + (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(index);
        var hi = (int)Math.Ceiling(index);
        var q = sorted[lo - 1];
        if (index > lo && sorted[hi - 1] != q)
        {
            var h = index - lo;
            q = (1 - h) * q + h * sorted[hi - 1];
        }
        return q;
    }
}
