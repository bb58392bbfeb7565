using MathNet.Numerics;

namespace SelfRef.Stats.Estimators;

/// <summary>How a Fisher p-value was obtained.</summary>
public enum FisherMethod
{
    /// <summary>Summed over every table with the observed margins that can change the result.</summary>
    Exact,

    /// <summary>Estimated from random tables with the observed margins, as R's <c>fisher.test(simulate.p.value = TRUE)</c>.</summary>
    MonteCarlo,
}

/// <param name="ExactTableBudget">
/// Most tables the exact sum may evaluate before it gives way to the Monte Carlo estimate. The
/// default (10 million, well under a second) covers 2×2 tables of any size and 2×3 tables of
/// 100,000 participants; 2×K tables with large n and K ≥ 4 need more.
/// </param>
/// <param name="Replicates">Random tables for the Monte Carlo estimate; R's default B is 2000.</param>
/// <param name="Seed">Seed of the random tables, so that a report can be reproduced exactly.</param>
public sealed record FisherExactTestOptions(long ExactTableBudget = 10_000_000, int Replicates = 2000, int Seed = 1)
{
    public static readonly FisherExactTestOptions Default = new();
}

/// <param name="OddsRatio">2×2 only: conditional maximum-likelihood odds ratio (as R reports); null for larger tables.</param>
/// <param name="TablesEnumerated">Exact: how many tables and branches were evaluated (those too unlikely to change p are skipped); Monte Carlo: 0.</param>
/// <param name="Arrangements">How many tables have the observed margins (a double: it can exceed every integer type).</param>
/// <param name="Method">Exact sum, or Monte Carlo estimate when the exact sum would exceed its budget.</param>
/// <param name="Replicates">Monte Carlo: random tables drawn (R's B); 0 when exact.</param>
/// <param name="Seed">Monte Carlo: the seed of the random tables; null when exact.</param>
public sealed record FisherExactTestResult(
    int Rows, int Columns, double PValue, double? OddsRatio, long TablesEnumerated,
    double Arrangements, FisherMethod Method, int Replicates, int? Seed)
{
    /// <summary>The smallest p-value the method can give: 1/(B + 1) for Monte Carlo, 0 when exact.</summary>
    public double Resolution => Method == FisherMethod.MonteCarlo ? 1.0 / (Replicates + 1) : 0;
}

/// <summary>
/// Fisher's exact test for a 2×K table, two-sided: the probability, given both margins, of
/// all tables no more likely than the observed one. Equals R's <c>fisher.test(x)$p.value</c>.
/// </summary>
/// <remarks>
/// R uses the network algorithm; this sums the same tables column by column, taking the
/// total probability of every branch in closed form (Vandermonde's identity), summing only
/// the tables no more likely than the observed one, and skipping any branch or table whose
/// probability is below 10⁻¹⁷ × P(observed) ÷ (number of tables): everything skipped together
/// changes p by less than 10⁻¹⁷ of itself. That makes 2×2 and 2×3 tables of 100,000
/// participants take milliseconds. When even so the sum would evaluate more tables than
/// <see cref="FisherExactTestOptions.ExactTableBudget"/> (many levels and large n), the p-value
/// is estimated as R's <c>fisher.test(x, simulate.p.value = TRUE, B)</c> does, from seeded
/// random tables, and the result says so.
/// </remarks>
public static class FisherExactTest
{
    // R's tolerance: tables equally likely in exact arithmetic must count as "no more likely".
    private const double RelErr = 1 + 1e-7;

    // R's fisher.test(simulate.p.value = TRUE): almost.1 <- 1 + 64 * .Machine$double.eps.
    private const double Almost1 = 1 + 64 * 2.220446049250313e-16;

    public static FisherExactTestResult Compute(int[,] counts, FisherExactTestOptions? options = null)
    {
        options ??= FisherExactTestOptions.Default;
        var (columns, rowTotal) = Margins(counts);
        var k = columns.Length;
        var observed = Enumerable.Range(0, k).Select(j => counts[0, j]).ToArray();
        var sum = new ExactSum(columns, rowTotal, options.ExactTableBudget);
        if (!sum.TryPValue(observed, out var p, out var tables))
            return MonteCarlo(counts, options.Replicates, options.Seed);
        return new FisherExactTestResult(2, k, p, OddsRatio(counts), tables, sum.Arrangements, FisherMethod.Exact, 0, null);
    }

    /// <summary>
    /// The Monte Carlo p-value of R's <c>fisher.test(x, simulate.p.value = TRUE, B = replicates)</c>:
    /// (1 + number of random tables no more likely than the observed one) / (B + 1), with the
    /// random tables drawn with the observed margins. R draws them with its own generator, so the
    /// estimates agree in distribution, not digit for digit.
    /// </summary>
    public static FisherExactTestResult MonteCarlo(int[,] counts, int replicates = 2000, int seed = 1)
    {
        if (replicates < 1) throw new ArgumentOutOfRangeException(nameof(replicates), replicates, "needs at least one random table");
        var (columns, rowTotal) = Margins(counts);
        var k = columns.Length;
        var total = columns.Sum();
        // R's statistic: −Σ log(x_ij!), the log probability of the table up to a constant.
        double statistic = 0;
        for (var j = 0; j < k; j++) statistic -= SpecialFunctions.FactorialLn(counts[0, j]) + SpecialFunctions.FactorialLn(counts[1, j]);
        var threshold = statistic / Almost1;
        var random = new Random(seed);
        var atMost = 0;
        for (var b = 0; b < replicates; b++)
        {
            // A uniformly random 2×K table with these margins: each column's first-row count is
            // hypergeometric given what the earlier columns took.
            int population = total, successes = rowTotal;
            double s = 0;
            for (var j = 0; j < k; j++)
            {
                var x = j == k - 1 ? successes : HypergeometricSampler.Sample(random, population, successes, columns[j]);
                s -= SpecialFunctions.FactorialLn(x) + SpecialFunctions.FactorialLn(columns[j] - x);
                population -= columns[j];
                successes -= x;
            }
            if (s <= threshold) atMost++;
        }
        return new FisherExactTestResult(2, k, (1.0 + atMost) / (replicates + 1.0), OddsRatio(counts), 0,
            ExactSum.CountArrangements(columns, rowTotal), FisherMethod.MonteCarlo, replicates, seed);
    }

    private static (int[] Columns, int RowTotal) Margins(int[,] counts)
    {
        if (counts.GetLength(0) != 2) throw new ArgumentException("Fisher's exact test here needs a 2×K table", nameof(counts));
        var k = counts.GetLength(1);
        if (k < 2) throw new ArgumentException("needs at least two columns (condition levels)", nameof(counts));
        var columns = new int[k];
        var rowTotal = 0;
        for (var j = 0; j < k; j++)
        {
            if (counts[0, j] < 0 || counts[1, j] < 0) throw new ArgumentException("counts must not be negative", nameof(counts));
            columns[j] = checked(counts[0, j] + counts[1, j]);
            rowTotal = checked(rowTotal + counts[0, j]);
        }
        return (columns, rowTotal);
    }

    private static double? OddsRatio(int[,] counts) => counts.GetLength(1) == 2 ? ConditionalOddsRatio.Estimate(counts) : null;

    /// <summary>
    /// The exact sum over first rows x with 0 ≤ x_j ≤ column_j and Σx_j = row total, column by
    /// column. A branch (x_0..x_j fixed) weighs Π_{i≤j} C(c_i, x_i) · C(Σ_{i>j} c_i, left) in all
    /// (Vandermonde's identity), and as a function of x_j that is a hypergeometric mass, so
    /// unimodal: the branches worth visiting form one interval around the mode, walked outwards
    /// until the weight falls below the skipping threshold. The last two columns need no walk
    /// through the likely middle: their row's total weight is again a single binomial
    /// coefficient, and the tables no more likely than the observed one are its two tails,
    /// found by bisection and summed outwards until they become negligible.
    /// </summary>
    private sealed class ExactSum
    {
        private readonly int[] _columns;
        private readonly int _row;
        private readonly int[] _capacity; // _capacity[j] = Σ columns[j..]
        private readonly double[][] _logChoose; // _logChoose[j][x] = log C(column_j, x)
        private readonly long _budget;
        private double _limit, _skip, _scale, _total, _atMost;
        private long _visited;

        public ExactSum(int[] columns, int row, long budget)
        {
            _columns = columns;
            _row = row;
            _budget = budget;
            _capacity = new int[columns.Length + 1];
            for (var j = columns.Length - 1; j >= 0; j--) _capacity[j] = _capacity[j + 1] + columns[j];
            _logChoose = columns.Select(c => Enumerable.Range(0, c + 1).Select(x => SpecialFunctions.BinomialLn(c, x)).ToArray()).ToArray();
            Arrangements = CountArrangements(columns, row);
        }

        public double Arrangements { get; }

        /// <returns>False when the sum would evaluate more tables than the budget allows.</returns>
        public bool TryPValue(int[] observed, out double p, out long tables)
        {
            var logObserved = observed.Select((x, j) => _logChoose[j][x]).Sum();
            _limit = logObserved + Math.Log(RelErr);
            // Each skipped branch or table weighs less than this, and they are disjoint sets of
            // tables, so together they weigh less than 1e-17 × P(observed) ≤ 1e-17 × p.
            _skip = logObserved + Math.Log(1e-17) - Math.Log(Math.Max(1, Arrangements));
            _scale = logObserved;
            _total = _atMost = 0;
            _visited = 0;
            var complete = Visit(0, _row, 0);
            tables = _visited;
            p = complete ? Math.Min(1, _atMost / _total) : double.NaN;
            return complete;
        }

        private bool Visit(int j, int left, double partial)
        {
            if (j == _columns.Length - 2) return LastTwo(j, left, partial);
            var lo = Math.Max(0, left - _capacity[j + 1]);
            var hi = Math.Min(_columns[j], left);
            var mode = Mode(j, left, lo, hi);
            for (var x = mode; x >= lo; x--)
            {
                var step = Branch(j, left, partial, x);
                if (step is null) return false;
                if (step == false) break;
            }
            for (var x = mode + 1; x <= hi; x++)
            {
                var step = Branch(j, left, partial, x);
                if (step is null) return false;
                if (step == false) break;
            }
            return true;
        }

        /// <returns>True when visited, false when the branch is negligible (and so is every branch further from the mode), null when over budget.</returns>
        private bool? Branch(int j, int left, double partial, int x)
        {
            var logWeight = partial + _logChoose[j][x];
            if (logWeight + SpecialFunctions.BinomialLn(_capacity[j + 1], left - x) < _skip) return false;
            if (++_visited > _budget) return null;
            return Visit(j + 1, left - x, logWeight) ? true : null;
        }

        /// <summary>Columns j and j + 1 (the last) share what is left: x and left − x.</summary>
        private bool LastTwo(int j, int left, double partial)
        {
            var lo = Math.Max(0, left - _columns[j + 1]);
            var hi = Math.Min(_columns[j], left);
            Add(partial + SpecialFunctions.BinomialLn(_capacity[j], left), counts: false);
            var mode = Mode(j, left, lo, hi);
            double LogWeight(int x)
            {
                _visited++;
                return partial + _logChoose[j][x] + _logChoose[j + 1][left - x];
            }

            // Up to the mode the weight rises: the tables no more likely than observed are lo..below.
            int below;
            if (LogWeight(lo) > _limit) below = lo - 1;
            else if (LogWeight(mode) <= _limit) below = mode;
            else
            {
                int a = lo, b = mode; // weight(a) ≤ limit < weight(b)
                while (b - a > 1)
                {
                    var mid = a + (b - a) / 2;
                    if (LogWeight(mid) <= _limit) a = mid; else b = mid;
                }
                below = a;
            }
            for (var x = below; x >= lo; x--)
            {
                var w = LogWeight(x);
                if (w < _skip) break;
                Add(w, counts: true);
            }

            // After the mode it falls: they are above..hi.
            int above;
            if (mode == hi || LogWeight(hi) > _limit) above = hi + 1;
            else if (LogWeight(mode + 1) <= _limit) above = mode + 1;
            else
            {
                int a = mode + 1, b = hi; // weight(a) > limit ≥ weight(b)
                while (b - a > 1)
                {
                    var mid = a + (b - a) / 2;
                    if (LogWeight(mid) <= _limit) b = mid; else a = mid;
                }
                above = b;
            }
            for (var x = above; x <= hi; x++)
            {
                var w = LogWeight(x);
                if (w < _skip) break;
                Add(w, counts: true);
            }
            return _visited <= _budget;
        }

        /// <summary>A branch's or row's weight into the total (<paramref name="counts"/> false), or a table's into the tail sum.</summary>
        private void Add(double logWeight, bool counts)
        {
            // Relative to the largest weight seen so far, which keeps exp() in range however extreme the margins.
            if (logWeight > _scale)
            {
                var shrink = Math.Exp(_scale - logWeight);
                _total *= shrink;
                _atMost *= shrink;
                _scale = logWeight;
            }
            var w = Math.Exp(logWeight - _scale);
            if (counts) _atMost += w; else _total += w;
        }

        /// <summary>The mode of x_j given what is left: that of the hypergeometric mass C(c_j, x)·C(Σ_{i>j} c_i, left − x).</summary>
        private int Mode(int j, int left, int lo, int hi) =>
            Math.Clamp((int)Math.Floor((left + 1.0) * (_columns[j] + 1.0) / (_capacity[j] + 2.0)), lo, hi);

        /// <summary>Number of first rows with the given margins, by dynamic programming over the columns.</summary>
        public static double CountArrangements(int[] columns, int row)
        {
            // Counting the smaller row (the same number, by complement) keeps the window sums below
            // from subtracting nearly equal prefix sums.
            row = Math.Min(row, columns.Sum() - row);
            var ways = new double[row + 1];
            ways[0] = 1;
            var prefix = new double[row + 2];
            foreach (var c in columns)
            {
                for (var s = 0; s <= row; s++) prefix[s + 1] = prefix[s] + ways[s];
                for (var s = 0; s <= row; s++) ways[s] = prefix[s + 1] - prefix[Math.Max(0, s - c)];
            }
            return ways[row];
        }
    }
}
