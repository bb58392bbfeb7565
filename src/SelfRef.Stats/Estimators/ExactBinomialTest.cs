namespace SelfRef.Stats.Estimators;

/// <summary>Result of a two-sided exact binomial test of k successes in n against p0.</summary>
public sealed record ExactBinomialTestResult(int K, int N, double P0, double Estimate, double PValue);

/// <summary>
/// Two-sided exact binomial test; equals R's <c>binom.test(k, n, p = p0)$p.value</c>.
/// </summary>
public static class ExactBinomialTest
{
    public static ExactBinomialTestResult Compute(int k, int n, double p0)
    {
        Guard.Counts(k, n);
        Guard.Probability(p0, nameof(p0));
        var test = new UnimodalTails(UnimodalTails.BinomialPmf(n, p0), n * p0);
        return new ExactBinomialTestResult(k, n, p0, (double)k / n, test.PValue(k));
    }
}
