namespace SelfRef.Stats.Estimators;

/// <summary>
/// The exact test of K self-referential first actions among N participants whose chances differ.
/// </summary>
/// <param name="Expected">Σ chance_i: the count expected by chance alone.</param>
/// <param name="MeanChance">Expected / N.</param>
/// <param name="Proportion">K / N.</param>
/// <param name="PGreater">P(X ≥ K) under chance: one-sided, self-referential more often than chance.</param>
/// <param name="PTwoSided">R's binom.test rule: P of every count no more likely than K (× (1 + 10⁻⁷)).</param>
/// <param name="Difference">K/N − MeanChance.</param>
/// <param name="DifferenceLow">Lower limit of its interval: the Wilson interval of K/N at <paramref name="Level"/>, shifted by the mean chance.</param>
/// <param name="CohensH">Cohen's h of K/N against the mean chance.</param>
public sealed record PoissonBinomialTestResult(
    int K, int N, double Expected, double MeanChance, double Proportion, double PGreater, double PTwoSided,
    double Difference, double DifferenceLow, double DifferenceHigh, double Level, CohensHResult CohensH);

/// <summary>
/// Exact test of an observed count against the Poisson-binomial distribution of each
/// participant's chance (<see cref="PoissonBinomial"/>); with equal chances p it is
/// <c>binom.test(k, n, p)</c> (two-sided) and <c>binom.test(k, n, p, alternative = "greater")</c>.
/// <para>
/// Effect size, two ways: the difference of the observed and the expected proportion in
/// percentage points, which reads directly ("7 points more often than chance") and, because the
/// chances are known rather than estimated, takes its uncertainty from K/N alone (the Wilson
/// interval of K/N shifted by the mean chance; with chances that differ K/N varies less than a
/// binomial proportion, so the interval errs on the wide side); and Cohen's h against the mean
/// chance, for comparison with the other tasks' h against their reference (the arcsine scale is
/// nonlinear, so with very different chances h is an approximation).
/// </para>
/// </summary>
public static class PoissonBinomialTest
{
    /// <param name="k">Observed self-referential first actions.</param>
    /// <param name="chances">Each participant's chance of a self-referential first action, between 0 and 1.</param>
    public static PoissonBinomialTestResult Compute(int k, IReadOnlyList<double> chances, double level = 0.95) =>
        Compute(k, PoissonBinomial.Of(chances), level);

    /// <summary>The test against a distribution already computed (e.g. for several counts).</summary>
    public static PoissonBinomialTestResult Compute(int k, PoissonBinomial chance, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(chance);
        Guard.Counts(k, chance.N);
        Guard.Level(level);
        var n = chance.N;
        var proportion = (double)k / n;
        var meanChance = Math.Clamp(chance.Mean / n, 0, 1);
        var wilson = WilsonInterval.Compute(k, n, level);
        return new PoissonBinomialTestResult(
            k, n, chance.Mean, meanChance, proportion, chance.AtLeast(k), chance.TwoSidedPValue(k),
            proportion - meanChance, wilson.Low - meanChance, wilson.High - meanChance, level, Estimators.CohensH.Compute(proportion, meanChance));
    }
}
