using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.Estimators;

/// <summary>
/// The exact Fisher sums settle and skip whole subtrees; these compare them with the sum over
/// every table, each engine on its own, and check the random tables the Monte Carlo fallback draws.
/// </summary>
public class FisherExactSumTests
{
    [Fact]
    public void Skipping_negligible_tables_gives_the_same_p_as_summing_every_table()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 300; trial++)
        {
            var k = 2 + trial % 4;
            var t = new int[2, k];
            for (var j = 0; j < k; j++)
            {
                // Mixed sizes, empty cells, and lopsided columns: the cases where a bound could be wrong.
                var size = random.Next(0, trial % 3 == 0 ? 6 : 40);
                t[0, j] = random.Next(0, size + 1);
                t[1, j] = random.Next(0, trial % 5 == 0 ? 2 : size + 1);
            }
            if (Enumerable.Range(0, k).Sum(j => t[0, j] + t[1, j]) == 0) continue;
            var (expected, count) = CompleteSum(t);
            var r = FisherExactTest.Compute(t);
            Assert.Equal(FisherMethod.Exact, r.Method);
            Assert.True(Math.Abs(r.PValue - expected) <= 1e-12 * expected + 1e-300,
                $"table {ReferenceTests.ReferenceData.Show(t)}: p = {r.PValue:R} with skipping, {expected:R} summing all {count} tables");
            Assert.Equal(count, r.Arrangements);
        }
    }

    [Fact]
    public void Random_tables_for_the_Monte_Carlo_p_follow_the_hypergeometric_distribution()
    {
        // 100,000 draws of the first column's count, compared with the exact probabilities by chi-square.
        const int population = 1000, successes = 300, draws = 100, samples = 100_000;
        var random = new Random(3);
        var observed = new int[draws + 1];
        for (var i = 0; i < samples; i++) observed[HypergeometricSampler.Sample(random, population, successes, draws)]++;
        double chi = 0;
        var cells = 0;
        for (var x = 0; x <= draws; x++)
        {
            var expected = samples * Hypergeometric.PMF(population, successes, draws, x);
            if (expected < 5) continue;
            chi += (observed[x] - expected) * (observed[x] - expected) / expected;
            cells++;
        }
        var p = SpecialFunctions.GammaUpperRegularized((cells - 1) / 2.0, chi / 2);
        Assert.True(p > 1e-4, $"the sampler's counts differ from the hypergeometric distribution: chi-square {chi:F1} on {cells - 1} df, p = {p:G3}");
    }

    [Theory]
    [InlineData(50_000, 47_000, 31_000)]
    [InlineData(10, 0, 4)]
    [InlineData(10, 10, 4)]
    [InlineData(10, 3, 0)]
    [InlineData(10, 3, 10)]
    [InlineData(7, 5, 6)]
    public void Sampler_stays_within_the_support(int population, int successes, int draws)
    {
        var random = new Random(1);
        int lo = Math.Max(0, draws - (population - successes)), hi = Math.Min(draws, successes);
        double sum = 0;
        for (var i = 0; i < 2000; i++)
        {
            var x = HypergeometricSampler.Sample(random, population, successes, draws);
            Assert.InRange(x, lo, hi);
            sum += x;
        }
        var mean = (double)draws * successes / population;
        var sd = Math.Sqrt(mean * (1 - (double)successes / population) * (population - draws) / Math.Max(1, population - 1));
        Assert.InRange(sum / 2000, mean - 5 * sd / Math.Sqrt(2000) - 1e-9, mean + 5 * sd / Math.Sqrt(2000) + 1e-9);
    }

    [Fact]
    public void Network_sum_of_r_by_c_tables_equals_the_sum_over_every_table()
    {
        var random = new Random(5);
        var checkedTables = 0;
        for (var trial = 0; trial < 240; trial++)
        {
            int rows = 3 + trial % 2, columns = 3 + trial % 3;
            var t = new int[rows, columns];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < columns; j++)
                    t[i, j] = random.Next(0, trial % 4 == 0 ? 2 : 5); // sparse tables leave empty rows and columns
            if (t.Cast<int>().Sum() == 0 || t.Cast<int>().Sum() > 30) continue;
            var (expected, count) = EveryTable(t);
            var r = FisherExactTest.Compute(t);
            Assert.Equal(FisherMethod.Exact, r.Method);
            Assert.True(Math.Abs(r.PValue - expected) <= 1e-12 * expected,
                $"table {ReferenceTests.ReferenceData.Show(t)}: p = {r.PValue:R}, summing all {count} tables gives {expected:R}");
            checkedTables++;
        }
        Assert.True(checkedTables >= 120, $"only {checkedTables} tables were checked");
    }

    [Fact]
    public void Depth_first_and_network_sums_agree_on_2_by_k_tables_and_with_every_table()
    {
        var random = new Random(17);
        for (var trial = 0; trial < 120; trial++)
        {
            var k = 3 + trial % 4;
            var t = new int[2, k];
            for (var j = 0; j < k; j++)
            {
                var size = random.Next(1, 16);
                t[0, j] = random.Next(0, size + 1);
                t[1, j] = size - t[0, j];
            }
            if (Enumerable.Range(0, k).Sum(j => t[0, j]) == 0 || Enumerable.Range(0, k).Sum(j => t[1, j]) == 0) continue;
            var (expected, _) = CompleteSum(t);
            var depthFirst = FisherExactTest.TwoRow(t, 100_000_000).Run(0.5);
            var network = new FisherNetworkSum(t, 100_000_000, 1_000_000).Run(0.5);
            var show = ReferenceTests.ReferenceData.Show(t);
            Assert.True(depthFirst.Completed && network.Completed, show);
            Assert.True(Math.Abs(depthFirst.PValue - expected) <= 1e-12 * expected, $"{show}: depth-first {depthFirst.PValue:R}, every table {expected:R}");
            Assert.True(Math.Abs(network.PValue - expected) <= 1e-12 * expected, $"{show}: network {network.PValue:R}, every table {expected:R}");
            Assert.True(depthFirst.SkippedBound <= 1e-13 && network.SkippedBound <= 1e-13, $"{show}: left out {depthFirst.SkippedBound:G3} and {network.SkippedBound:G3} of p");
        }
    }

    [Fact]
    public void The_same_table_always_gets_the_same_method_and_the_same_number_of_steps()
    {
        var t = new[,] { { 4514, 4542, 4477, 4467 }, { 486, 458, 523, 533 } };
        var first = FisherExactTest.Compute(t);
        var second = FisherExactTest.Compute(t);
        Assert.Equal(FisherMethod.Exact, first.Method);
        Assert.Equal((first.PValue, first.TablesEnumerated), (second.PValue, second.TablesEnumerated));
        // The steps are the feasibility rule: a budget just below what this table takes sends it to Monte Carlo.
        var below = FisherExactTest.Compute(t, new FisherExactTestOptions(ExactTableBudget: first.TablesEnumerated - 1, Replicates: 200));
        Assert.Equal(FisherMethod.MonteCarlo, below.Method);
        var at = FisherExactTest.Compute(t, new FisherExactTestOptions(ExactTableBudget: first.TablesEnumerated));
        Assert.Equal((FisherMethod.Exact, first.PValue), (at.Method, at.PValue));
    }

    [Theory]
    [InlineData("9003 9012 8990 8987 9010 9007 8985 8993 9013 9000 / 997 988 1010 1013 990 993 1015 1007 987 1000", false)] // 2 x 10 of 100,000 near the null
    [InlineData("15003 15023 14977 14970 15016 15011 / 1664 1644 1690 1697 1650 1655", false)]                          // 2 x 6 of 100,000
    [InlineData("22500 22350 22200 22450 / 2500 2650 2800 2550", true)]                                                 // 2 x 4 of 100,000
    [InlineData("4514 4542 4477 4467 / 486 458 523 533", true)]                                                         // 2 x 4 of 20,000
    public void The_estimate_made_before_summing_sends_hopeless_tables_straight_to_Monte_Carlo(string table, bool feasible)
    {
        var rows = table.Split('/').Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()).ToArray();
        var t = new int[2, rows[0].Length];
        for (var j = 0; j < rows[0].Length; j++) (t[0, j], t[1, j]) = (rows[0][j], rows[1][j]);
        var estimate = FisherExactTest.TwoRow(t, FisherExactTestOptions.DefaultBudget).EstimatedWork(PearsonChiSquare.Compute(t).PValue);
        Assert.Equal(feasible, estimate <= FisherExactTestOptions.DefaultBudget);
        if (!feasible) Assert.True(estimate > 2.0 * FisherExactTestOptions.DefaultBudget, $"estimate {estimate:G3}: no attempt should be started");
    }

    [Theory]
    [InlineData(0.0034521757664460693, new[] { 5, 2, 1, 0, 1, 6, 2, 3, 0, 3, 7, 6 }, 3, 4)]
    [InlineData(0.8612825789127411, new[] { 4, 3, 2, 1, 1, 2, 3, 4, 2, 2, 2, 2, 3, 1, 1, 1 }, 4, 4)]
    public void Monte_Carlo_p_of_an_r_by_c_table_is_within_its_standard_error_of_the_exact_p(double exact, int[] cells, int rows, int columns)
    {
        var t = new int[rows, columns];
        for (var i = 0; i < cells.Length; i++) t[i / columns, i % columns] = cells[i];
        Assert.Equal(exact, FisherExactTest.Compute(t).PValue, 12);
        var mc = FisherExactTest.MonteCarlo(t, 20_000, seed: 3);
        Assert.Equal(FisherMethod.MonteCarlo, mc.Method);
        Assert.Equal(Math.Sqrt(mc.PValue * (1 - mc.PValue) / 20_000), mc.StandardError!.Value, 15);
        var se = Math.Sqrt(exact * (1 - exact) / 20_000);
        Assert.True(Math.Abs(mc.PValue - exact) <= 4 * se + 1.0 / 20_001,
            $"the Monte Carlo p {mc.PValue} is more than 4 standard errors ({se:G3}) from the exact {exact}");
    }

    /// <summary>Every r×c table with the observed margins, in log-factorials: the definition of the p-value.</summary>
    private static (double P, int Count) EveryTable(int[,] t)
    {
        int rows = t.GetLength(0), columns = t.GetLength(1);
        var rowTotals = Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, columns).Sum(j => t[i, j])).ToArray();
        var columnTotals = Enumerable.Range(0, columns).Select(j => Enumerable.Range(0, rows).Sum(i => t[i, j])).ToArray();
        double LogWeight(int[,] x)
        {
            double w = 0;
            for (var j = 0; j < columns; j++)
            {
                w += SpecialFunctions.FactorialLn(columnTotals[j]);
                for (var i = 0; i < rows; i++) w -= SpecialFunctions.FactorialLn(x[i, j]);
            }
            return w;
        }
        var observed = LogWeight(t);
        var weights = new List<double>();
        var current = new int[rows, columns];
        var open = (int[])rowTotals.Clone();
        void Fill(int j, int i, int need)
        {
            if (j == columns)
            {
                weights.Add(LogWeight(current));
                return;
            }
            if (i == rows - 1)
            {
                if (need > open[i]) return;
                current[i, j] = need;
                open[i] -= need;
                Fill(j + 1, 0, j + 1 < columns ? columnTotals[j + 1] : 0);
                open[i] += need;
                return;
            }
            for (var x = 0; x <= Math.Min(need, open[i]); x++)
            {
                current[i, j] = x;
                open[i] -= x;
                Fill(j, i + 1, need - x);
                open[i] += x;
            }
        }
        Fill(0, 0, columnTotals[0]);
        var max = weights.Max();
        var total = CompensatedSum(weights.Select(w => Math.Exp(w - max)));
        var atMost = CompensatedSum(weights.Where(w => w <= observed + Math.Log(1 + 1e-7)).Select(w => Math.Exp(w - max)));
        return (Math.Min(1, atMost / total), weights.Count);
    }

    /// <summary>Neumaier's sum: a million terms summed naively could differ from the exact sum in the 11th digit.</summary>
    private static double CompensatedSum(IEnumerable<double> terms)
    {
        double sum = 0, compensation = 0;
        foreach (var w in terms)
        {
            var t = sum + w;
            compensation += Math.Abs(sum) >= Math.Abs(w) ? (sum - t) + w : (w - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }

    /// <summary>Every first row with the observed margins, no skipping: the definition of the p-value.</summary>
    private static (double P, double Count) CompleteSum(int[,] t)
    {
        var k = t.GetLength(1);
        var columns = Enumerable.Range(0, k).Select(j => t[0, j] + t[1, j]).ToArray();
        var row = Enumerable.Range(0, k).Sum(j => t[0, j]);
        double LogWeight(int[] x) => x.Select((v, j) => SpecialFunctions.BinomialLn(columns[j], v)).Sum();
        var observed = LogWeight(Enumerable.Range(0, k).Select(j => t[0, j]).ToArray());
        var weights = new List<double>();
        var current = new int[k];
        void Walk(int j, int left)
        {
            if (j == k - 1)
            {
                if (left > columns[j]) return;
                current[j] = left;
                weights.Add(LogWeight(current));
                return;
            }
            for (var x = 0; x <= Math.Min(columns[j], left); x++)
            {
                current[j] = x;
                Walk(j + 1, left - x);
            }
        }
        Walk(0, row);
        var max = weights.Max();
        var total = weights.Sum(w => Math.Exp(w - max));
        var atMost = weights.Where(w => w <= observed + Math.Log(1 + 1e-7)).Sum(w => Math.Exp(w - max));
        return (Math.Min(1, atMost / total), weights.Count);
    }
}
