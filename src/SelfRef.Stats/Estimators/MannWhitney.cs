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
        double nx = x.Count, ny = y.Count, n = nx + ny;
        var (ranks, tieSizes) = MidRanks(x.Concat(y).ToArray());
        var w = ranks.Take(x.Count).Sum() - nx * (nx + 1) / 2;
        var tieTerm = tieSizes.Sum(t => (double)t * t * t - t);
        var sigma = Math.Sqrt(nx * ny / 12 * (n + 1 - tieTerm / (n * (n - 1))));
        var centred = w - nx * ny / 2;
        var z = (centred - Math.Sign(centred) * 0.5) / sigma;
        // Both tails through erfc keep relative precision for very small p-values.
        var tail = 0.5 * SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));
        return new MannWhitneyResult(x.Count, y.Count, w, z, Math.Min(1, 2 * tail));
    }

    private static (double[] Ranks, List<int> TieSizes) MidRanks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        var ties = new List<int>();
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end + 2) / 2.0;
            for (var i = start; i <= end; i++) ranks[order[i]] = rank;
            ties.Add(end - start + 1);
            start = end + 1;
        }
        return (ranks, ties);
    }
}
