using System.Globalization;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

public class PowerReferenceTests
{
    private static string P(double p) => p.ToString(CultureInfo.InvariantCulture);

    public static TheoryData<int, string> SmallestNCases => ReferenceData.Rows("power", c => $"p0={P(c.Number("p0"))} p1={P(c.Number("p1"))}");
    public static TheoryData<int, string> PowerAtCases => ReferenceData.Rows("power_at", c => $"n={c.Int("n")} p0={P(c.Number("p0"))} p1={P(c.Number("p1"))}");

    [Theory, MemberData(nameof(SmallestNCases))]
    public void Smallest_n_for_80_percent_power_matches_R(int i, string label)
    {
        var c = ReferenceData.Cases("power")[i];
        var r = ExactBinomialPower.SmallestN(c.Number("p0"), c.Number("p1"), c.Number("alpha"), c.Number("target"));
        Assert.True(r.N == c.Int("n"),
            $"The power table would say n = {r.N} participants give 80 % power for {label}, but R's smallest n is {c.Int("n")}.");
        Agree.Close(c.Number("power"), r.Power, $"the power at n = {r.N} for {label}", "sum(dbinom(x, n, p1)[binom.test p-value <= .05])");
        var before = ExactBinomialPower.PowerAt(r.N!.Value - 1, c.Number("p0"), c.Number("p1"));
        Agree.Close(c.Number("power_before"), before, $"the power at n = {r.N - 1} for {label}", "the same sum at n - 1");
    }

    [Theory, MemberData(nameof(PowerAtCases))]
    public void Power_at_a_given_n_matches_R(int i, string label)
    {
        var c = ReferenceData.Cases("power_at")[i];
        var power = ExactBinomialPower.PowerAt(c.Int("n"), c.Number("p0"), c.Number("p1"));
        Agree.Close(c.Number("power"), power, $"the power for {label}", "sum(dbinom(x, n, p1)[binom.test p-value <= .05])");
    }
}
