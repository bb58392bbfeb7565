using SelfRef.Stats.Estimators;
using SelfRef.Stats.Tests.ReferenceTests;

namespace SelfRef.Stats.Tests.Estimators;

/// <summary>Properties that hold whatever R says: symmetry, bounds, refusals of impossible input.</summary>
public class EstimatorBehaviourTests
{
    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, 0)]
    public void Impossible_counts_are_refused(int k, int n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(k, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearsonInterval.Compute(k, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExactBinomialTest.Compute(k, n, 0.5));
    }

    [Fact]
    public void Intervals_contain_the_estimate_and_mirror_under_k_to_n_minus_k()
    {
        for (var n = 1; n <= 40; n++)
            for (var k = 0; k <= n; k++)
            {
                foreach (var ci in new[] { WilsonInterval.Compute(k, n), ClopperPearsonInterval.Compute(k, n) })
                {
                    Assert.InRange(ci.Estimate, ci.Low, ci.High);
                    Assert.InRange(ci.Low, 0, 1);
                    Assert.InRange(ci.High, 0, 1);
                }
                var cp = ClopperPearsonInterval.Compute(k, n);
                var mirrored = ClopperPearsonInterval.Compute(n - k, n);
                Assert.Equal(cp.Low, 1 - mirrored.High, 12);
            }
    }

    [Fact]
    public void Exact_power_is_not_monotone_in_n_which_is_why_the_smallest_n_is_reported()
    {
        var powers = Enumerable.Range(100, 40).Select(n => ExactBinomialPower.PowerAt(n, 0.96, 0.9)).ToList();
        Assert.Contains(powers.Zip(powers.Skip(1)), pair => pair.Second < pair.First);
    }

    [Theory]
    [InlineData(0.96, 0.90)]
    [InlineData(0.894, 0.75)]
    [InlineData(0.5, 0.6)]
    public void The_power_search_agrees_with_power_computed_directly(double p0, double p1)
    {
        var r = ExactBinomialPower.SmallestN(p0, p1);
        Assert.NotNull(r.N);
        Assert.Equal(ExactBinomialPower.PowerAt(r.N!.Value, p0, p1), r.Power, 12);
        for (var n = 1; n < r.N; n++)
            Assert.True(ExactBinomialPower.PowerAt(n, p0, p1) < 0.8, $"n = {n} already reaches 80 % power, yet {r.N} was reported as the smallest");
    }

    [Fact]
    public void A_power_search_that_cannot_succeed_says_so()
    {
        var r = ExactBinomialPower.SmallestN(0.5, 0.501, maxN: 200);
        Assert.Null(r.N);
        Assert.True(double.IsNaN(r.Power));
    }

    [Fact]
    public void Fisher_refuses_tables_with_one_row_or_column_and_negative_counts_naming_the_problem()
    {
        var oneColumn = Assert.Throws<ArgumentException>(() => FisherExactTest.Compute(new int[2, 1]));
        Assert.Contains("2 rows and 2 columns; the table is 2×1", oneColumn.Message);
        Assert.Throws<ArgumentException>(() => FisherExactTest.Compute(new int[1, 4]));
        var negative = Assert.Throws<ArgumentException>(() => FisherExactTest.Compute(new[,] { { 1, -1 }, { 2, 3 } }));
        Assert.Contains("negative", negative.Message);
        Assert.Throws<ArgumentException>(() => FisherExactTest.MonteCarlo(new int[1, 3]));
    }

    [Fact]
    public void Chi_square_of_a_table_with_an_empty_row_is_not_defined_and_warns()
    {
        var r = PearsonChiSquare.Compute(new[,] { { 10, 8 }, { 0, 0 } });
        Assert.True(double.IsNaN(r.Statistic));
        Assert.Equal(PearsonChiSquare.SmallExpectedWarning, r.Warning);
    }

    [Fact]
    public void Kappa_refuses_coders_with_different_numbers_of_items()
    {
        Assert.Throws<ArgumentException>(() => CohensKappa.Compute(["a", "b"], ["a"]));
    }

    [Fact]
    public void Empty_latencies_give_nan_not_an_exception()
    {
        var r = LatencySummary.Compute([]);
        Assert.Equal(0, r.N);
        Assert.True(double.IsNaN(r.Median));
    }

    /// <summary>
    /// The reference tests can fail: a plausible but wrong estimator (the Wald interval instead
    /// of Wilson, a one-sided doubling instead of R's two-sided rule) is caught by the tolerance.
    /// </summary>
    [Fact]
    public void The_reference_tolerance_catches_plausible_wrong_formulas()
    {
        var c = ReferenceData.Cases("proportion").First(x => x.Int("k") == 480 && x.Int("n") == 500 && x.Number("level") == 0.95);
        var p = 480 / 500.0;
        var wald = p - 1.959963984540054 * Math.Sqrt(p * (1 - p) / 500);
        Assert.False(Agree.Within(c.Number("wilson_low"), wald, Agree.Exact));

        // 45/50 against 0.96: doubling the lower tail is a common shortcut that R does not take.
        var small = ReferenceData.Cases("proportion").First(x => x.Int("k") == 45 && x.Int("n") == 50);
        var doubled = Math.Min(1, 2 * MathNet.Numerics.Distributions.Binomial.CDF(0.96, 50, 45));
        Assert.False(Agree.Within(small.Number("binom_p"), doubled, Agree.Exact));

        var real = WilsonInterval.Compute(480, 500).Low;
        Assert.True(Agree.Within(c.Number("wilson_low"), real, Agree.Exact));
        Assert.False(Agree.Within(c.Number("wilson_low"), real * (1 + 1e-8), Agree.Exact));
    }
}
