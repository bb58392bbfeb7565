using System.Globalization;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

public class LatencyReferenceTests
{
    private static string List(double[] x) =>
        x.Length <= 8 ? string.Join(", ", x.Select(v => v.ToString(CultureInfo.InvariantCulture))) : $"{x.Length} values";

    public static TheoryData<int, string> QuantileCases => ReferenceData.Rows("quantile", c => List(c.Numbers("x")));
    public static TheoryData<int, string> MannWhitneyCases => ReferenceData.Rows("mann_whitney", c => $"[{List(c.Numbers("x"))}] vs [{List(c.Numbers("y"))}]");

    [Theory, MemberData(nameof(QuantileCases))]
    public void Median_and_iqr_match_quantile_type_7(int i, string values)
    {
        var c = ReferenceData.Cases("quantile")[i];
        var r = LatencySummary.Compute(c.Numbers("x"));
        Agree.Close(c.Number("median"), r.Median, $"the median latency of ({values})", "quantile(x, 0.5, type = 7)");
        Agree.Close(c.Number("q1"), r.Q1, $"the first quartile of ({values})", "quantile(x, 0.25, type = 7)");
        Agree.Close(c.Number("q3"), r.Q3, $"the third quartile of ({values})", "quantile(x, 0.75, type = 7)");
        Agree.Close(c.Number("iqr"), r.Iqr, $"the IQR of ({values})", "IQR(x, type = 7)");
    }

    [Theory, MemberData(nameof(MannWhitneyCases))]
    public void Mann_whitney_matches_wilcox_test(int i, string groups)
    {
        var c = ReferenceData.Cases("mann_whitney")[i];
        var r = MannWhitney.Compute(c.Numbers("x"), c.Numbers("y"));
        Agree.Close(c.Number("w"), r.W, $"W for {groups}", "wilcox.test(x, y, exact = FALSE, correct = TRUE)$statistic");
        Agree.Close(c.Number("p"), r.PValue, $"the Mann-Whitney p-value for {groups}", "wilcox.test(x, y, exact = FALSE, correct = TRUE)$p.value");
    }
}
