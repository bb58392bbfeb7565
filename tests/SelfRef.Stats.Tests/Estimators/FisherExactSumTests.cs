using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.Estimators;

/// <summary>
/// The exact Fisher sum skips branches too unlikely to matter; these compare it with the sum
/// over every table, and check the random tables the Monte Carlo fallback draws.
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
