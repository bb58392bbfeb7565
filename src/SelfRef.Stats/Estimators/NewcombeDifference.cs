namespace SelfRef.Stats.Estimators;

/// <summary>Difference p1 − p2 of two independent proportions with its confidence interval.</summary>
public sealed record ProportionDifference(int K1, int N1, int K2, int N2, double Difference, double Low, double High, double Level, string Method);

/// <summary>
/// Newcombe's hybrid score interval for p1 − p2 (method 10 of Newcombe 1998, built from the
/// two Wilson intervals without continuity correction); equals
/// <c>DescTools::BinomDiffCI(k1, n1, k2, n2, method = "score")</c>.
/// </summary>
public static class NewcombeDifference
{
    public static ProportionDifference Compute(int k1, int n1, int k2, int n2, double level = 0.95)
    {
        Guard.Counts(k1, n1, nameof(k1), nameof(n1));
        Guard.Counts(k2, n2, nameof(k2), nameof(n2));
        var w1 = WilsonInterval.Compute(k1, n1, level);
        var w2 = WilsonInterval.Compute(k2, n2, level);
        double p1 = w1.Estimate, p2 = w2.Estimate, d = p1 - p2;
        var low = d - Math.Sqrt(Sq(p1 - w1.Low) + Sq(w2.High - p2));
        var high = d + Math.Sqrt(Sq(w1.High - p1) + Sq(p2 - w2.Low));
        return new ProportionDifference(k1, n1, k2, n2, d, low, high, level, "Newcombe hybrid score");
    }

    private static double Sq(double x) => x * x;
}
