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
/// The feasibility rule: the most work steps (subtrees, tables, bisection and summation steps;
/// a count, never a time) the exact sum may take. A 2×K table whose steps, estimated before
/// starting, exceed the budget is not summed depth-first; the network algorithm is tried
/// instead only when the smaller row total is at most 2,000, with at most 400,000 entries per
/// stage; any sum that reaches the budget while running stops. What is not summed goes to
/// Monte Carlo. All of this depends only on the table, so a table gets the same method on
/// every machine. The default, 10⁸ steps, is under a second on the project's 2-core machine;
/// at p ≈ 0.05 it covers 2×K tables of 100,000 participants up to K = 5, of 10,000 up to K = 5
/// and of 1,000 up to K = 10, and further when a margin is lopsided or the table is close to
/// the null (docs/benchmarks.md, "Fisher's exact test").
/// </param>
/// <param name="Replicates">Random tables for the Monte Carlo estimate (R's B).</param>
/// <param name="Seed">Seed of the random tables, so that a report can be reproduced exactly.</param>
public sealed record FisherExactTestOptions(long ExactTableBudget = FisherExactTestOptions.DefaultBudget, int Replicates = 100_000, int Seed = 1)
{
    public const long DefaultBudget = 100_000_000;

    public static readonly FisherExactTestOptions Default = new();
}

/// <param name="OddsRatio">2×2 only: conditional maximum-likelihood odds ratio (as R reports); null for larger tables.</param>
/// <param name="TablesEnumerated">Exact: work steps taken (subtrees, tables, bisection and summation steps); Monte Carlo: 0.</param>
/// <param name="Arrangements">How many tables have the observed margins (a double: it can exceed every integer type); NaN when not counted (r×c with r, c ≥ 3).</param>
/// <param name="Method">Exact sum, or Monte Carlo estimate when the exact sum would exceed its budget.</param>
/// <param name="Replicates">Monte Carlo: random tables drawn (R's B); 0 when exact.</param>
/// <param name="Seed">Monte Carlo: the seed of the random tables; null when exact.</param>
/// <param name="StandardError">Monte Carlo: the estimate's standard error √(p(1 − p)/B); null when exact.</param>
public sealed record FisherExactTestResult(
    int Rows, int Columns, double PValue, double? OddsRatio, long TablesEnumerated,
    double Arrangements, FisherMethod Method, int Replicates, int? Seed, double? StandardError = null)
{
    /// <summary>The smallest p-value the method can give: 1/(B + 1) for Monte Carlo, 0 when exact.</summary>
    public double Resolution => Method == FisherMethod.MonteCarlo ? 1.0 / (Replicates + 1) : 0;
}

/// <summary>
/// Fisher's exact test for an r×c table, two-sided: the probability, given both margins, of
/// all tables no more likely than the observed one (× 1 + 10⁻⁷, R's tolerance for ties).
/// Equals R's <c>fisher.test(x)$p.value</c>.
/// </summary>
/// <remarks>
/// Rows or columns with no one in them change nothing and are dropped first (a table left
/// with one row or column has p = 1). 2×K tables (either way round) are summed by
/// <see cref="FisherTwoRowSum"/>, other tables by the network algorithm
/// (<see cref="FisherNetworkSum"/>), which also takes 2×K tables of few participants and many
/// levels, where equal paths merge. When the exact sum would exceed
/// <see cref="FisherExactTestOptions.ExactTableBudget"/> steps, the p-value is estimated as R's
/// <c>fisher.test(x, simulate.p.value = TRUE, B)</c> does, from seeded random tables, and the
/// result says so, with its standard error.
/// </remarks>
public static class FisherExactTest
{
    // R's fisher.test(simulate.p.value = TRUE): almost.1 <- 1 + 64 * .Machine$double.eps.
    private const double Almost1 = 1 + 64 * 2.220446049250313e-16;

    // The network keeps at most this many distinct (node, path weight) entries per stage (about
    // 100 bytes each). The tables it finishes within the budget peak below 200,000; a table that
    // needs more is hopeless and should reach Monte Carlo without spending the whole budget.
    private const long NetworkEntries = 400_000;

    public static FisherExactTestResult Compute(int[,] counts, FisherExactTestOptions? options = null)
    {
        options ??= FisherExactTestOptions.Default;
        Validate(counts);
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        var odds = rows == 2 && columns == 2 ? ConditionalOddsRatio.Estimate(counts) : (double?)null;
        var table = Oriented(WithoutEmptyLines(counts));
        if (table.GetLength(0) < 2)
            return new FisherExactTestResult(rows, columns, 1, odds, 0, 1, FisherMethod.Exact, 0, null);
        var arrangements = table.GetLength(0) == 2 ? CountArrangements(table) : double.NaN;
        var attempt = Exact(table, options.ExactTableBudget);
        if (!attempt.Completed) return MonteCarlo(counts, options.Replicates, options.Seed);
        return new FisherExactTestResult(rows, columns, attempt.PValue, odds, attempt.Work, arrangements, FisherMethod.Exact, 0, null);
    }

    /// <summary>The exact sum within <paramref name="budget"/> steps, or a result that says it did not fit.</summary>
    /// <param name="table">At least 2×2, rows ≤ columns, no empty row or column.</param>
    /// <remarks>
    /// 2×K: the depth-first sum when its estimate (made before starting) is within the budget;
    /// otherwise the network when the smaller row total is at most 2,000 (cells are small, and
    /// equal paths merge: many levels with few participants, or a rare outcome). r×c: the network.
    /// </remarks>
    internal static ExactAttempt Exact(int[,] table, long budget)
    {
        var pGuess = ChiSquareGuess(table);
        if (table.GetLength(0) == 2)
        {
            var two = TwoRow(table, budget);
            if (two.EstimatedWork(pGuess) <= budget) return two.Run(pGuess);
        }
        if (!NetworkMayFit(table)) return ExactAttempt.Exhausted(0);
        try
        {
            return new FisherNetworkSum(table, budget, NetworkEntries).Run(pGuess);
        }
        catch (OverflowException)
        {
            return ExactAttempt.Exhausted(0); // too many distinct nodes to key: not a table for the network
        }
    }

    /// <summary>
    /// The network pays off where many paths share a weight: few values per cell. A 2×K table's
    /// cells cannot exceed its smaller row total, so with more than 2,000 in both rows its stages
    /// hold more distinct weights than it may keep (the depth-first sum has had its chance);
    /// r×c tables have no other exact sum.
    /// </summary>
    private static bool NetworkMayFit(int[,] table) =>
        table.GetLength(0) > 2 || Math.Min(RowTotal(table, 0), RowTotal(table, 1)) <= 2_000;

    /// <summary>The 2×K sum with the smaller row first (fewer values per cell) and the largest columns last (summed in closed form).</summary>
    internal static FisherTwoRowSum TwoRow(int[,] table, long budget)
    {
        var k = table.GetLength(1);
        int first = 0, second = 0;
        for (var j = 0; j < k; j++) { first += table[0, j]; second += table[1, j]; }
        var row = first <= second ? 0 : 1;
        var order = Enumerable.Range(0, k).OrderBy(j => table[0, j] + table[1, j]).ToArray();
        var columns = order.Select(j => table[0, j] + table[1, j]).ToArray();
        var observed = order.Select(j => table[row, j]).ToArray();
        return new FisherTwoRowSum(columns, Math.Min(first, second), observed, budget);
    }

    /// <summary>
    /// The Monte Carlo p-value of R's <c>fisher.test(x, simulate.p.value = TRUE, B = replicates)</c>:
    /// (1 + number of random tables no more likely than the observed one) / (B + 1), with the
    /// random tables drawn with the observed margins. R draws them with its own generator, so the
    /// estimates agree in distribution, not digit for digit.
    /// </summary>
    public static FisherExactTestResult MonteCarlo(int[,] counts, int replicates = 100_000, int seed = 1)
    {
        if (replicates < 1) throw new ArgumentOutOfRangeException(nameof(replicates), replicates, "needs at least one random table");
        Validate(counts);
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        var odds = rows == 2 && columns == 2 ? ConditionalOddsRatio.Estimate(counts) : (double?)null;
        // As R: rows and columns with no one in them are dropped (they are the same in every random table).
        var table = WithoutEmptyLines(counts);
        int r = table.GetLength(0), c = table.GetLength(1);
        var rowTotals = new int[r];
        var columnTotals = new int[c];
        for (var i = 0; i < r; i++)
            for (var j = 0; j < c; j++) { rowTotals[i] += table[i, j]; columnTotals[j] += table[i, j]; }
        var total = rowTotals.Sum();
        var logFactorial = new double[total + 1];
        for (var x = 0; x <= total; x++) logFactorial[x] = SpecialFunctions.FactorialLn(x);

        // R's statistic: −Σ log(x_ij!), the log probability of the table up to a constant.
        double statistic = 0;
        for (var i = 0; i < r; i++)
            for (var j = 0; j < c; j++) statistic -= logFactorial[table[i, j]];
        var threshold = statistic / Almost1;
        var random = new Random(seed);
        var open = new int[r];
        var atMost = 0;
        for (var b = 0; b < replicates; b++)
        {
            // A uniformly random table with these margins: column by column, each row's cell is
            // hypergeometric given what the column and the rows still have open.
            rowTotals.CopyTo(open, 0);
            var population = total;
            double s = 0;
            for (var j = 0; j < c; j++)
            {
                var need = columnTotals[j];
                var pool = population;
                for (var i = 0; i < r; i++)
                {
                    var x = i == r - 1 || j == c - 1 ? Math.Min(need, open[i]) : HypergeometricSampler.Sample(random, pool, open[i], need);
                    s -= logFactorial[x];
                    pool -= open[i];
                    open[i] -= x;
                    need -= x;
                }
                population -= columnTotals[j];
            }
            if (s <= threshold) atMost++;
        }
        var p = (1.0 + atMost) / (replicates + 1.0);
        var arrangements = r == 2 && c >= 2 ? CountArrangements(table) : double.NaN;
        return new FisherExactTestResult(rows, columns, p, odds, 0, arrangements, FisherMethod.MonteCarlo, replicates, seed,
            Math.Sqrt(p * (1 - p) / replicates));
    }

    private static void Validate(int[,] counts)
    {
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        if (rows < 2 || columns < 2)
            throw new ArgumentException($"Fisher's exact test needs at least 2 rows and 2 columns; the table is {rows}×{columns}", nameof(counts));
        long total = 0;
        foreach (var x in counts)
        {
            if (x < 0) throw new ArgumentException("counts must not be negative", nameof(counts));
            total += x;
        }
        if (total > int.MaxValue / 2) throw new ArgumentException($"the table holds {total:N0} observations, more than this test can take", nameof(counts));
    }

    /// <summary>The table without rows and columns whose total is zero.</summary>
    internal static int[,] WithoutEmptyLines(int[,] counts)
    {
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        var keptRows = Enumerable.Range(0, rows).Where(i => Enumerable.Range(0, columns).Any(j => counts[i, j] > 0)).ToArray();
        var keptColumns = Enumerable.Range(0, columns).Where(j => Enumerable.Range(0, rows).Any(i => counts[i, j] > 0)).ToArray();
        var t = new int[keptRows.Length, keptColumns.Length];
        for (var i = 0; i < keptRows.Length; i++)
            for (var j = 0; j < keptColumns.Length; j++) t[i, j] = counts[keptRows[i], keptColumns[j]];
        return t;
    }

    /// <summary>Transposed if needed so that rows ≤ columns (the p-value does not change); fewer than two of either: a 1×1 shape.</summary>
    private static int[,] Oriented(int[,] t)
    {
        int rows = t.GetLength(0), columns = t.GetLength(1);
        if (rows < 2 || columns < 2) return new int[1, 1];
        if (rows <= columns) return t;
        var transposed = new int[columns, rows];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++) transposed[j, i] = t[i, j];
        return transposed;
    }

    private static int RowTotal(int[,] t, int row)
    {
        var n = 0;
        for (var j = 0; j < t.GetLength(1); j++) n += t[row, j];
        return n;
    }

    /// <summary>
    /// Pearson's chi-square p, only to tell the exact sum how far out tables stop mattering; the
    /// sum checks afterwards that what it left out is below 10⁻¹³ of p and goes further if not.
    /// </summary>
    private static double ChiSquareGuess(int[,] t)
    {
        var chi = PearsonChiSquare.Compute(t);
        return double.IsNaN(chi.PValue) ? 1 : Math.Max(chi.PValue, 1e-300);
    }

    /// <summary>Number of 2×K tables with these margins, by dynamic programming over the columns.</summary>
    internal static double CountArrangements(int[,] table)
    {
        var k = table.GetLength(1);
        var columns = Enumerable.Range(0, k).Select(j => table[0, j] + table[1, j]).ToArray();
        var row = Enumerable.Range(0, k).Sum(j => table[0, j]);
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
