using MathNet.Numerics;

namespace SelfRef.Stats.Estimators;

/// <param name="W">Rank sum of x minus nx(nx+1)/2, as R reports it.</param>
/// <param name="Z">Normal deviate after tie and continuity correction.</param>
public sealed record MannWhitneyResult(int NX, int NY, double W, double Z, double PValue);

/// <summary>
/// Wilcoxon–Mann–Whitney rank-sum test with the normal approximation, tie correction and
/// continuity correction; equals R's <c>wilcox.test(x, y, exact = FALSE, correct = TRUE)</c>.
/// </summary>
public static class MannWhitney
{
    public static MannWhitneyResult Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count == 0 || y.Count == 0) throw new ArgumentException("both groups need at least one value");
        if (x.Concat(y).Any(v => !double.IsFinite(v))) throw new ArgumentException("values must be finite numbers");
        var xs = x.ToArray();
        var ys = y.ToArray();
        Array.Sort(xs);
        Array.Sort(ys);
        return FromSorted(xs, ys);
    }

    /// <summary>The same from two non-empty groups of finite values, each in ascending order.</summary>
    /// <remarks>
    /// The groups are merged in one pass; each run of equal values gets its mid-rank. Ranks are halves of
    /// whole numbers, so their sums (and the tie sizes' t³ − t, added in ascending order of value) are
    /// exact in doubles whatever order they are added in: the statistic does not depend on how it was sorted.
    /// </remarks>
    internal static MannWhitneyResult FromSorted(double[] x, double[] y)
    {
        double nx = x.Length, ny = y.Length, n = nx + ny;
        var rankSumX = 0.0;
        var tieTerm = 0.0;
        int i = 0, j = 0;
        while (i < x.Length || j < y.Length)
        {
            var value = j >= y.Length || (i < x.Length && x[i] <= y[j]) ? x[i] : y[j];
            var start = i + j;
            var fromX = 0;
            while (i < x.Length && x[i] == value) { i++; fromX++; }
            while (j < y.Length && y[j] == value) j++;
            var size = i + j - start;
            rankSumX += fromX * ((start + i + j + 1) / 2.0);
            tieTerm += (double)size * size * size - size;
        }
        var w = rankSumX - nx * (nx + 1) / 2;
        var sigma = Math.Sqrt(nx * ny / 12 * (n + 1 - tieTerm / (n * (n - 1))));
        var centred = w - nx * ny / 2;
        var z = (centred - Math.Sign(centred) * 0.5) / sigma;
        // Both tails through erfc keep relative precision for very small p-values.
        var tail = 0.5 * SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));
        return new MannWhitneyResult(x.Length, y.Length, w, z, Math.Min(1, 2 * tail));
    }
}
