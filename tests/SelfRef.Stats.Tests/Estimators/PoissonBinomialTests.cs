using System.Runtime.CompilerServices;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.Estimators;

/// <summary>Properties of the Poisson-binomial distribution and its test that hold whatever the reference values say.</summary>
public class PoissonBinomialTests
{
    private static double[] Uniform(int n, int seed, double low = 0, double high = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => low + (high - low) * random.NextDouble()).ToArray();
    }

    // Chances spread over 0..1 make the widest window (the most work in a Debug build): 30,000 of them suffice there.
    [Theory]
    [InlineData("name letters", 100_000)]
    [InlineData("rare chances", 100_000)]
    [InlineData("uniform chances", 30_000)]
    public void Many_participants_give_a_mass_that_sums_to_one_with_the_right_mean_and_variance(string kind, int n)
    {
        var chances = kind switch
        {
            "name letters" => Enumerable.Range(0, n).Select(i => (1 + i % 3) / 26.0).ToArray(),
            "rare chances" => Uniform(n, 4, 1e-5, 1e-3),
            _ => Uniform(n, 3),
        };
        var d = PoissonBinomial.Of(chances);
        CompensatedTotals(d, out var total, out var mean, out var variance);
        Assert.True(Math.Abs(total - 1) <= 1e-12, $"the {kind} probabilities sum to 1 {total - 1:+0.###E+0;-0.###E+0}");
        Assert.True(Math.Abs(mean - d.Mean) <= 1e-12 * d.Mean, $"the {kind} mass has mean {mean:R}, but Σ p_i = {d.Mean:R}");
        Assert.True(Math.Abs(variance - d.Variance) <= 1e-12 * d.Variance, $"the {kind} mass has variance {variance:R}, but Σ p_i(1 − p_i) = {d.Variance:R}");
        Assert.Equal(chances.Sum(), d.Mean, 6);
    }

    [Fact]
    public void At_20000_participants_it_agrees_with_the_same_recursion_in_106_bit_arithmetic()
    {
        // Chances shared by thousands of participants (one or two initials among 26 letters) are where
        // rounding errors of one sign could pile up.
        var chances = Enumerable.Range(0, 20_000).Select(i => (1 + i % 2) / 26.0).ToArray();
        var d = PoissonBinomial.Of(chances);
        var (hi, lo) = DoubleDoubleMass(chances);
        for (var k = 0; k <= d.N; k++)
        {
            var exact = hi[k] + lo[k];
            if (exact < 1e-280) { Assert.True(d.Pmf(k) < 1e-270, $"P(X = {k}) = {d.Pmf(k):G3} where it is {exact:G3}"); continue; }
            var relative = Math.Abs(d.Pmf(k) - hi[k] - lo[k]) / exact;
            Assert.True(relative <= 1e-13, $"P(X = {k}) = {d.Pmf(k):G17} is off by {relative:G3} relative to the 106-bit value {exact:G17}");
        }
    }

    [Fact]
    public void Tails_add_up_and_the_order_of_participants_does_not_matter()
    {
        var chances = Uniform(300, 11, 0, 0.4).Concat([0, 1, 1e-9, 1 - 1e-9]).ToArray();
        var d = PoissonBinomial.Of(chances);
        var shuffled = PoissonBinomial.Of(chances.OrderBy(p => Math.Sin(p * 1e6)).ToArray());
        for (var k = 0; k <= d.N; k++)
        {
            Assert.Equal(1, d.AtMost(k - 1) + d.AtLeast(k), 14);
            Assert.True(Math.Abs(d.Pmf(k) - shuffled.Pmf(k)) <= 1e-13 * d.Pmf(k) + 1e-290, $"P(X = {k}) changes with the order of participants");
        }
        // One participant certain to be self-referential: never fewer than one; one who cannot be: never all.
        Assert.Equal(0, d.Pmf(0));
        Assert.Equal(0, d.Pmf(d.N));
    }

    [Fact]
    public void Chances_mirrored_give_the_mirrored_distribution_and_p_values()
    {
        var chances = Uniform(60, 12, 0.02, 0.5);
        var d = PoissonBinomial.Of(chances);
        var mirrored = PoissonBinomial.Of(chances.Select(p => 1 - p).ToArray());
        for (var k = 0; k <= d.N; k++)
        {
            Assert.True(Math.Abs(d.Pmf(k) - mirrored.Pmf(d.N - k)) <= 1e-13 * d.Pmf(k), $"P(X = {k}) is not P(Y = {d.N - k}) for mirrored chances");
            Assert.Equal(d.TwoSidedPValue(k), mirrored.TwoSidedPValue(d.N - k), 12);
        }
    }

    [Theory]
    [InlineData(7, 30, 0.1)]
    [InlineData(0, 50, 1.0 / 26)]
    [InlineData(480, 500, 0.96)]
    [InlineData(60, 1000, 2.0 / 26)]
    public void With_equal_chances_the_test_is_the_exact_binomial_test(int k, int n, double p)
    {
        var test = PoissonBinomialTest.Compute(k, Enumerable.Repeat(p, n).ToArray());
        var binomial = ExactBinomialTest.Compute(k, n, p);
        Assert.Equal(binomial.PValue, test.PTwoSided, 12);
        Assert.Equal(n * p, test.Expected, 9);
        Assert.Equal(p, test.MeanChance, 12);
    }

    [Fact]
    public void The_test_reports_the_observed_against_the_expected_count_with_its_effect_sizes()
    {
        // 40 participants shown 26 letters: 25 with two distinct initials, 15 with one; 9 picked an initial first.
        var chances = Enumerable.Repeat(2.0 / 26, 25).Concat(Enumerable.Repeat(1.0 / 26, 15)).ToArray();
        var test = PoissonBinomialTest.Compute(9, chances);
        Assert.Equal(65.0 / 26, test.Expected, 12);
        Assert.Equal(65.0 / 26 / 40, test.MeanChance, 12);
        Assert.Equal(9.0 / 40, test.Proportion);
        Assert.Equal(9.0 / 40 - 65.0 / 26 / 40, test.Difference, 12);
        var wilson = WilsonInterval.Compute(9, 40);
        Assert.Equal(wilson.Low - test.MeanChance, test.DifferenceLow, 12);
        Assert.Equal(wilson.High - test.MeanChance, test.DifferenceHigh, 12);
        Assert.Equal(CohensH.Compute(9.0 / 40, test.MeanChance).H, test.CohensH.H, 12);
        Assert.InRange(test.PGreater, 0, test.PTwoSided);
        Assert.True(test.PGreater < 0.001, $"9 of 40 where 2.5 are expected should be far beyond chance, p = {test.PGreater}");
    }

    [Fact]
    public void Fewer_than_expected_gives_a_large_one_sided_p_and_a_small_two_sided_one()
    {
        var test = PoissonBinomialTest.Compute(0, Enumerable.Repeat(0.3, 30).ToArray());
        Assert.Equal(1, test.PGreater, 12);
        Assert.True(test.PTwoSided < 1e-3);
        Assert.True(test.Difference < 0);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.01)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    public void A_chance_that_is_not_a_probability_is_refused_naming_which(double bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PoissonBinomial.Of([0.5, bad, 0.2]));
        Assert.Contains("probability 1 must lie between 0 and 1", e.Message);
    }

    [Fact]
    public void Impossible_counts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PoissonBinomialTest.Compute(4, [0.1, 0.2, 0.3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PoissonBinomialTest.Compute(-1, [0.1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PoissonBinomialTest.Compute(0, Array.Empty<double>()));
    }

    private static void CompensatedTotals(PoissonBinomial d, out double total, out double mean, out double variance)
    {
        CompensatedSum t = default, m = default, v = default;
        for (var k = 0; k <= d.N; k++)
        {
            t.Add(d.Pmf(k));
            m.Add(k * d.Pmf(k));
        }
        for (var k = 0; k <= d.N; k++) v.Add((k - m.Total) * (k - m.Total) * d.Pmf(k));
        (total, mean, variance) = (t.Total, m.Total, v.Total);
    }

    /// <summary>
    /// The recursion in double-double arithmetic (about 32 digits): a check of rounding, not of the
    /// algorithm. Written out in one loop, because a Debug build neither inlines nor optimises helpers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double[] Hi, double[] Lo) DoubleDoubleMass(double[] chances)
    {
        var n = chances.Length;
        double[] hi = new double[n + 2], lo = new double[n + 2];
        hi[0] = 1;
        int top = 0, bottom = 0;
        foreach (var p in chances)
        {
            var q = 1 - p;
            var qLow = (1 - q) - p;
            for (var k = top + 1; k >= bottom; k--)
            {
                double upHi = 0, upLo = 0, stayHi = 0, stayLo = 0;
                if (k > bottom)
                {
                    upHi = p * hi[k - 1];
                    upLo = Math.FusedMultiplyAdd(p, hi[k - 1], -upHi) + p * lo[k - 1];
                }
                if (k <= top)
                {
                    stayHi = q * hi[k];
                    stayLo = Math.FusedMultiplyAdd(q, hi[k], -stayHi) + (q * lo[k] + qLow * hi[k]);
                }
                var s = upHi + stayHi;
                var bb = s - upHi;
                var e = (upHi - (s - bb)) + (stayHi - bb) + upLo + stayLo;
                hi[k] = s + e;
                lo[k] = e - (hi[k] - s);
            }
            top++;
            while (hi[top] < 1e-305) (hi[top], lo[top], top) = (0, 0, top - 1);
            while (hi[bottom] < 1e-305) (hi[bottom], lo[bottom], bottom) = (0, 0, bottom + 1);
        }
        return (hi, lo);
    }
}
