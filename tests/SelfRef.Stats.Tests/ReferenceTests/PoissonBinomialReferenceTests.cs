using System.Globalization;
using System.Text.Json;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

/// <summary>
/// The Poisson-binomial distribution and its exact test against: full enumeration of all 2ⁿ
/// outcomes in exact rational arithmetic for n ≤ 20 and a 60-digit recursion up to n = 2,000
/// (reference/poisson_binomial.py); R's binom.test and dbinom for equal chances; and, at
/// 100,000 participants, the convolution of two of R's binomials (two groups of chances, as the
/// name-letter task gives: one or two distinct initials among the letters shown).
/// </summary>
public class PoissonBinomialReferenceTests
{
    // Dropping probabilities below 2^-1000 while the distribution is built moves any value by less than n·2^-1000.
    private const double Absolute = 1e-285;

    private sealed record Case(string Label, string Method, double[] Chances, double Mean, double Variance, double[] Pmf, int[] K, double[] Greater, double[] TwoSided);

    private static readonly Lazy<IReadOnlyList<Case>> Exact = new(() =>
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "poisson_binomial.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("label").GetString()!, c.GetProperty("method").GetString()!, c.Numbers("chances"),
            c.Number("mean"), c.Number("variance"), c.Numbers("pmf"),
            c.Numbers("k").Select(k => (int)k).ToArray(), c.Numbers("p_greater"), c.Numbers("p_two_sided"))).ToList();
    });

    public static TheoryData<int, string> ExactCases
    {
        get
        {
            var data = new TheoryData<int, string>();
            for (var i = 0; i < Exact.Value.Count; i++) data.Add(i, $"{Exact.Value[i].Label} (n = {Exact.Value[i].Chances.Length}, {Exact.Value[i].Method})");
            return data;
        }
    }

    [Theory, MemberData(nameof(ExactCases))]
    public void Mass_tails_and_p_values_match_exact_arithmetic(int i, string label)
    {
        var c = Exact.Value[i];
        var d = PoissonBinomial.Of(c.Chances);
        Assert.Equal(c.Chances.Length, d.N);
        Close(c.Mean, d.Mean, $"the expected count for {label}", 1e-15);
        Close(c.Variance, d.Variance, $"the variance for {label}", 1e-14);
        for (var k = 0; k <= d.N; k++)
            Close(c.Pmf[k], d.Pmf(k), $"P(X = {k}) for {label}", 1e-13);
        for (var j = 0; j < c.K.Length; j++)
        {
            var k = c.K[j];
            var test = PoissonBinomialTest.Compute(k, d);
            Close(c.Greater[j], test.PGreater, $"the one-sided p of {k} self-referential first actions for {label}", 1e-13);
            Close(c.TwoSided[j], test.PTwoSided, $"the two-sided p of {k} self-referential first actions for {label}", 1e-13);
        }
    }

    [Fact]
    public void The_exact_cases_cover_certain_impossible_and_near_zero_chances_and_full_enumeration_up_to_20()
    {
        var cases = Exact.Value;
        Assert.Contains(cases, c => c.Method == "enumeration" && c.Chances.Length == 20);
        Assert.Contains(cases, c => c.Method == "enumeration" && c.Chances.Contains(0) && c.Chances.Contains(1));
        Assert.Contains(cases, c => c.Method == "enumeration" && c.Chances.Any(p => p is > 0 and < 1e-9));
        Assert.Contains(cases, c => c.Method == "enumeration" && c.Chances.Any(p => p is > 1 - 1e-8 and < 1));
        Assert.Contains(cases, c => c.Chances.Length >= 1000);
    }

    public static TheoryData<int, string> EqualCases => ReferenceData.Rows("poisson_binomial_equal", c =>
        string.Create(CultureInfo.InvariantCulture, $"n = {c.Int("n")}, every chance {c.Number("p"):0.####}"));

    [Theory, MemberData(nameof(EqualCases))]
    public void With_equal_chances_it_is_binom_test(int i, string label)
    {
        var c = ReferenceData.Cases("poisson_binomial_equal")[i];
        int n = c.Int("n");
        var p = c.Number("p");
        var d = PoissonBinomial.Of(Enumerable.Repeat(p, n).ToArray());
        var ks = c.Numbers("k").Select(k => (int)k).ToArray();
        var (dbinom, greater, twoSided) = (c.Numbers("dbinom"), c.Numbers("p_greater"), c.Numbers("p_two_sided"));
        var pText = p.ToString("R", CultureInfo.InvariantCulture);
        for (var j = 0; j < ks.Length; j++)
        {
            var k = ks[j];
            var test = PoissonBinomialTest.Compute(k, d);
            Close(dbinom[j], d.Pmf(k), $"P(X = {k}) for {label}", 1e-12, $"dbinom({k}, {n}, {pText})");
            Close(greater[j], test.PGreater, $"the one-sided p of {k} for {label}", 1e-12, $"binom.test({k}, {n}, {pText}, alternative = \"greater\")$p.value");
            Close(twoSided[j], test.PTwoSided, $"the two-sided p of {k} for {label}", 1e-12, $"binom.test({k}, {n}, {pText})$p.value");
        }
    }

    public static TheoryData<int, string> TwoGroupCases => ReferenceData.Rows("poisson_binomial_two_groups", c =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Int("n1")} at {c.Number("a"):0.####} and {c.Int("n2")} at {c.Number("b"):0.####}"));

    [Theory, MemberData(nameof(TwoGroupCases))]
    public void At_100000_participants_in_two_chance_groups_it_matches_the_convolution_of_two_binomials(int i, string label)
    {
        var c = ReferenceData.Cases("poisson_binomial_two_groups")[i];
        int n1 = c.Int("n1"), n2 = c.Int("n2");
        double a = c.Number("a"), b = c.Number("b");
        // Interleaved, as participants arrive; the order does not matter to the distribution.
        var chances = Enumerable.Range(0, n1 + n2).Select(j => j < 2 * Math.Min(n1, n2) ? (j % 2 == 0 ? a : b) : (n1 > n2 ? a : b)).ToArray();
        Assert.Equal(n1, chances.Count(p => p == a));
        var d = PoissonBinomial.Of(chances);
        var ks = c.Numbers("k").Select(k => (int)k).ToArray();
        var (pmf, greater) = (c.Numbers("pmf"), c.Numbers("p_greater"));
        for (var j = 0; j < ks.Length; j++)
        {
            var k = ks[j];
            Close(pmf[j], d.Pmf(k), $"P(X = {k}) for {label}", 1e-12, "sum(dbinom(j, n1, a) * dbinom(k - j, n2, b))");
            Close(greater[j], d.AtLeast(k), $"P(X >= {k}) for {label}", 1e-12, "sum(dbinom(j, n1, a) * pbinom(k - j - 1, n2, b, lower.tail = FALSE))");
        }
    }

    private static void Close(double expected, double actual, string what, double relative, string reference = "exact arithmetic (poisson_binomial.py)")
    {
        if (Math.Abs(actual - expected) <= relative * Math.Abs(expected) + Absolute) return;
        var diff = expected == 0 ? "" : $" (relative difference {Math.Abs(actual - expected) / Math.Abs(expected):G3}, allowed {relative:G1})";
        Assert.Fail($"The report would use {what} = {actual.ToString("G17", CultureInfo.InvariantCulture)}, but {reference} gives {expected.ToString("G17", CultureInfo.InvariantCulture)}{diff}.");
    }
}
