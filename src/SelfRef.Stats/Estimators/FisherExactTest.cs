using MathNet.Numerics;

namespace SelfRef.Stats.Estimators;

/// <param name="OddsRatio">2×2 only: conditional maximum-likelihood odds ratio (as R reports); null for larger tables.</param>
/// <param name="TablesEnumerated">How many tables with the observed margins were summed over.</param>
public sealed record FisherExactTestResult(int Rows, int Columns, double PValue, double? OddsRatio, long TablesEnumerated);

/// <summary>
/// Fisher's exact test for a 2×K table, two-sided: the probability, given both margins, of
/// all tables no more likely than the observed one. Equals R's <c>fisher.test(x)$p.value</c>.
/// R uses the network algorithm for K &gt; 2; full enumeration gives the same sum and is fast
/// for the sample sizes of these studies (tables grow like n^(K−1)).
/// </summary>
public static class FisherExactTest
{
    // R's tolerance: tables equally likely in exact arithmetic must count as "no more likely".
    private const double RelErr = 1 + 1e-7;
    private const long MaxTables = 200_000_000;

    public static FisherExactTestResult Compute(int[,] counts)
    {
        if (counts.GetLength(0) != 2) throw new ArgumentException("Fisher's exact test here needs a 2×K table", nameof(counts));
        var k = counts.GetLength(1);
        if (k < 2) throw new ArgumentException("needs at least two columns (condition levels)", nameof(counts));
        var columns = new int[k];
        var rowTotal = 0;
        for (var j = 0; j < k; j++)
        {
            if (counts[0, j] < 0 || counts[1, j] < 0) throw new ArgumentException("counts must not be negative", nameof(counts));
            columns[j] = counts[0, j] + counts[1, j];
            rowTotal += counts[0, j];
        }
        var enumerator = new Enumerator(columns, rowTotal);
        var observed = enumerator.LogWeight(Enumerable.Range(0, k).Select(j => counts[0, j]).ToArray());
        var (total, atMost, tables) = enumerator.Sum(observed + Math.Log(RelErr));
        double? odds = k == 2 ? ConditionalOddsRatio.Estimate(counts) : null;
        return new FisherExactTestResult(2, k, Math.Min(1, atMost / total), odds, tables);
    }

    /// <summary>Walks every first row x with 0 ≤ x_j ≤ column_j and Σx_j = row total.</summary>
    private sealed class Enumerator
    {
        private readonly int[] _columns;
        private readonly int _row;
        private readonly double[][] _logChoose; // _logChoose[j][x] = log C(column_j, x)
        private readonly int[] _remainingCapacity; // Σ columns after j

        public Enumerator(int[] columns, int row)
        {
            _columns = columns;
            _row = row;
            _logChoose = columns.Select(c => Enumerable.Range(0, c + 1).Select(x => SpecialFunctions.BinomialLn(c, x)).ToArray()).ToArray();
            _remainingCapacity = new int[columns.Length + 1];
            for (var j = columns.Length - 1; j >= 0; j--) _remainingCapacity[j] = _remainingCapacity[j + 1] + columns[j];
        }

        public double LogWeight(int[] x) => x.Select((v, j) => _logChoose[j][v]).Sum();

        public (double Total, double AtMost, long Tables) Sum(double logLimit)
        {
            var max = double.NegativeInfinity;
            long tables = 0;
            Walk(0, _row, 0, lw => { max = Math.Max(max, lw); if (++tables > MaxTables) throw TooLarge(); });
            double total = 0, atMost = 0;
            // Scaling by the largest weight keeps exp() in range however extreme the margins.
            Walk(0, _row, 0, lw =>
            {
                var w = Math.Exp(lw - max);
                total += w;
                if (lw <= logLimit) atMost += w;
            });
            return (total, atMost, tables);
        }

        private void Walk(int j, int left, double logWeight, Action<double> visit)
        {
            if (j == _columns.Length - 1)
            {
                visit(logWeight + _logChoose[j][left]);
                return;
            }
            var from = Math.Max(0, left - _remainingCapacity[j + 1]);
            var to = Math.Min(_columns[j], left);
            for (var x = from; x <= to; x++)
                Walk(j + 1, left - x, logWeight + _logChoose[j][x], visit);
        }

        private static InvalidOperationException TooLarge() =>
            new($"the table has more than {MaxTables:N0} arrangements with these margins; use the chi-square test instead");
    }
}
