using System.Globalization;
using System.Text.Json;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

public class ProportionReferenceTests
{
    public static TheoryData<int, string> Cases => ReferenceData.Rows("proportion", c =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Int("k")}/{c.Int("n")} vs p0={c.Number("p0")} at {c.Number("level")}"));

    private static (JsonElement C, int K, int N, double P0, double Level, string Label) Case(int i)
    {
        var c = ReferenceData.Cases("proportion")[i];
        int k = c.Int("k"), n = c.Int("n");
        var level = c.Number("level");
        return (c, k, n, c.Number("p0"), level, string.Create(CultureInfo.InvariantCulture, $"{k}/{n} ({level:P0})"));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Wilson_interval_matches_prop_test(int i, string label)
    {
        var (c, k, n, _, level, what) = Case(i);
        var r = WilsonInterval.Compute(k, n, level);
        var call = $"prop.test({k}, {n}, correct = FALSE, conf.level = {level.ToString(CultureInfo.InvariantCulture)})$conf.int";
        Agree.Close(c.Number("wilson_low"), r.Low, $"the Wilson CI lower limit for {what}", call + "[1]");
        Agree.Close(c.Number("wilson_high"), r.High, $"the Wilson CI upper limit for {what}", call + "[2]");
        Assert.NotNull(label);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Clopper_Pearson_interval_matches_binom_test(int i, string label)
    {
        var (c, k, n, _, level, what) = Case(i);
        var r = ClopperPearsonInterval.Compute(k, n, level);
        var call = $"binom.test({k}, {n}, conf.level = {level.ToString(CultureInfo.InvariantCulture)})$conf.int";
        // R's qbeta iterates, but the Newton-polished quantile here agrees with it to ~1e-12, so the strict tolerance applies.
        Agree.Close(c.Number("cp_low"), r.Low, $"the Clopper-Pearson CI lower limit for {what}", call + "[1]");
        Agree.Close(c.Number("cp_high"), r.High, $"the Clopper-Pearson CI upper limit for {what}", call + "[2]");
        Assert.NotNull(label);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Exact_binomial_p_value_matches_binom_test(int i, string label)
    {
        var (c, k, n, p0, _, _) = Case(i);
        var r = ExactBinomialTest.Compute(k, n, p0);
        Agree.Close(c.Number("binom_p"), r.PValue, $"the exact binomial p-value of {k}/{n} against {p0.ToString(CultureInfo.InvariantCulture)}",
            $"binom.test({k}, {n}, p = {p0.ToString("R", CultureInfo.InvariantCulture)})$p.value");
        Assert.NotNull(label);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Cohens_h_matches_es_h(int i, string label)
    {
        var (c, k, n, p0, _, _) = Case(i);
        var r = CohensH.Compute((double)k / n, p0);
        Agree.Close(c.Number("cohens_h"), r.H, $"Cohen's h of {k}/{n} against {p0.ToString(CultureInfo.InvariantCulture)}",
            "2*asin(sqrt(k/n)) - 2*asin(sqrt(p0))");
        Assert.NotNull(label);
    }

    [Fact]
    public void Reference_holds_at_least_30_proportion_cases_with_the_edges()
    {
        var cases = ReferenceData.Cases("proportion");
        Assert.True(cases.Count >= 30, $"reference.json has only {cases.Count} proportion cases; rerun reference.R");
        Assert.Contains(cases, c => c.Int("k") == 0);
        Assert.Contains(cases, c => c.Int("k") == c.Int("n"));
        Assert.Contains(cases, c => c.Int("n") == 1);
        Assert.Contains(cases, c => c.Number("p0") < 0.01);
        Assert.Contains(cases, c => c.Number("p0") > 0.99);
    }
}
