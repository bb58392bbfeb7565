using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

public class NewcombeReferenceTests
{
    public static TheoryData<int, string> Cases => ReferenceData.Rows("newcombe", c =>
        $"{c.Int("k1")}/{c.Int("n1")} - {c.Int("k2")}/{c.Int("n2")}");

    [Theory, MemberData(nameof(Cases))]
    public void Difference_and_interval_match_hand_coded_newcombe(int i, string label)
    {
        var c = ReferenceData.Cases("newcombe")[i];
        var r = NewcombeDifference.Compute(c.Int("k1"), c.Int("n1"), c.Int("k2"), c.Int("n2"));
        const string call = "Newcombe method 10 on prop.test limits (= DescTools::BinomDiffCI(method = \"score\"))";
        Agree.Close(c.Number("difference"), r.Difference, $"the difference in proportions {label}", "k1/n1 - k2/n2");
        Agree.Close(c.Number("low"), r.Low, $"the lower 95 % limit of the difference {label}", call);
        Agree.Close(c.Number("high"), r.High, $"the upper 95 % limit of the difference {label}", call);
    }
}
