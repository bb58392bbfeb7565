namespace SelfRef.Stats.Estimators;

/// <summary>Location and spread of latencies (ms); quartiles by R's default rule (type 7).</summary>
public sealed record LatencySummaryResult(int N, double Median, double Q1, double Q3, double Iqr, double Min, double Max);

public static class LatencySummary
{
    /// <summary>Empty input gives N = 0 and NaN everywhere rather than an exception: a task may have no latencies yet.</summary>
    public static LatencySummaryResult Compute(IEnumerable<double> values)
    {
        var x = values.ToArray();
        if (x.Any(v => !double.IsFinite(v))) throw new ArgumentException("latencies must be finite numbers", nameof(values));
        Array.Sort(x);
        return FromSorted(x);
    }

    /// <summary>The same from finite values already in ascending order (the report's tally sorts each group once).</summary>
    internal static LatencySummaryResult FromSorted(double[] x)
    {
        if (x.Length == 0) return new LatencySummaryResult(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double q1 = Quantile.Type7Sorted(x, 0.25), q3 = Quantile.Type7Sorted(x, 0.75);
        return new LatencySummaryResult(x.Length, Quantile.Type7Sorted(x, 0.5), q1, q3, q3 - q1, x[0], x[^1]);
    }
}
