namespace SelfRef.Stats.Estimators;

/// <summary>Cohen's h between two proportions, with Cohen's verbal label for its size.</summary>
public sealed record CohensHResult(double P1, double P2, double H, string Magnitude);

/// <summary>
/// Cohen's h = 2·asin(√p1) − 2·asin(√p2): positive when p1 (observed) exceeds p2 (reference).
/// Same as <c>pwr::ES.h(p1, p2)</c> in R.
/// </summary>
public static class CohensH
{
    public static CohensHResult Compute(double p1, double p2)
    {
        Guard.Probability(p1, nameof(p1));
        Guard.Probability(p2, nameof(p2));
        var h = 2 * Math.Asin(Math.Sqrt(p1)) - 2 * Math.Asin(Math.Sqrt(p2));
        var size = Math.Abs(h) switch
        {
            < 0.2 => "negligible",
            < 0.5 => "small",
            < 0.8 => "medium",
            _ => "large",
        };
        return new CohensHResult(p1, p2, h, size);
    }
}
