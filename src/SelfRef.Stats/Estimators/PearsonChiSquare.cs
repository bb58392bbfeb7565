using MathNet.Numerics;

namespace SelfRef.Stats.Estimators;

/// <param name="Warning">R's warning text when an expected count is below 5, else null.</param>
public sealed record PearsonChiSquareResult(double Statistic, int DegreesOfFreedom, double PValue, double MinExpected, string? Warning);

/// <summary>
/// Pearson's chi-square test of independence without continuity correction; equals R's
/// <c>chisq.test(x, correct = FALSE)</c>. A table with an empty row or column gives NaN,
/// as in R, because its expected counts include zeros.
/// </summary>
public static class PearsonChiSquare
{
    public const string SmallExpectedWarning = "Chi-squared approximation may be incorrect";

    public static PearsonChiSquareResult Compute(int[,] counts)
    {
        int r = counts.GetLength(0), c = counts.GetLength(1);
        if (r < 2 || c < 2) throw new ArgumentException("needs at least 2 rows and 2 columns", nameof(counts));
        var rowSums = new double[r];
        var colSums = new double[c];
        double total = 0;
        for (var i = 0; i < r; i++)
            for (var j = 0; j < c; j++)
            {
                if (counts[i, j] < 0) throw new ArgumentException("counts must not be negative", nameof(counts));
                rowSums[i] += counts[i, j];
                colSums[j] += counts[i, j];
                total += counts[i, j];
            }
        double statistic = 0, minExpected = double.PositiveInfinity;
        for (var i = 0; i < r; i++)
            for (var j = 0; j < c; j++)
            {
                var expected = rowSums[i] * colSums[j] / total;
                minExpected = Math.Min(minExpected, expected);
                var diff = counts[i, j] - expected;
                statistic += diff * diff / expected;
            }
        var df = (r - 1) * (c - 1);
        // The upper regularized gamma keeps relative precision for tiny p-values, where 1 − CDF would not.
        var p = double.IsNaN(statistic) ? double.NaN : SpecialFunctions.GammaUpperRegularized(df / 2.0, statistic / 2);
        return new PearsonChiSquareResult(statistic, df, p, minExpected, minExpected < 5 ? SmallExpectedWarning : null);
    }
}
