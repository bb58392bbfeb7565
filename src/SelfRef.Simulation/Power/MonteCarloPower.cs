using SelfRef.Simulation.Participants;

namespace SelfRef.Simulation.Power;

/// <summary>One Monte Carlo power estimate: how many of the simulated studies rejected the reference.</summary>
/// <param name="Studies">Simulated studies of <paramref name="N"/> participants each.</param>
/// <param name="Rejections">Studies whose test rejected H0: p = <paramref name="Reference"/>.</param>
public sealed record MonteCarloPowerResult(double TrueProportion, double Reference, int N, double Alpha, int Studies, int Rejections)
{
    public double Power => (double)Rejections / Studies;
}

/// <summary>
/// Power by repeated simulated studies at the outcome level (no server): each study draws n
/// participants whose first action is self-referential with the true proportion, the same draw
/// the simulator makes for a participant's truth, and applies the caller's test (the statistics
/// module's exact binomial test against the reference). The share of studies that reject is the
/// power; seeded, so the same seed gives the same estimate.
/// </summary>
public static class MonteCarloPower
{
    public const int MaxStudies = 1_000_000;

    /// <param name="rejects">the test: given k self-referential of n, does it reject the reference at alpha?</param>
    public static MonteCarloPowerResult Estimate(double trueProportion, double reference, int n, double alpha, int studies, int seed, Func<int, int, bool> rejects)
    {
        if (!(trueProportion >= 0 && trueProportion <= 1)) throw new ArgumentException($"the true proportion must lie between 0 and 1, was {trueProportion}");
        if (!(reference > 0 && reference < 1)) throw new ArgumentException($"the reference must lie strictly between 0 and 1, was {reference}");
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentException($"alpha must lie strictly between 0 and 1, was {alpha}");
        if (n is < 1 or > 1_000_000) throw new ArgumentException($"n must be between 1 and 1,000,000, was {n}");
        if (studies is < 1 or > MaxStudies) throw new ArgumentException($"the number of studies must be between 1 and {MaxStudies:N0}, was {studies}");
        if ((long)n * studies > 2_000_000_000) throw new ArgumentException("n × studies is too large for one run (at most 2 billion simulated participants)");
        var rejections = 0;
        for (var study = 0; study < studies; study++)
        {
            var random = Seeds.Random(seed, study, "power");
            var k = 0;
            for (var i = 0; i < n; i++)
                if (random.NextDouble() < trueProportion) k++;
            if (rejects(k, n)) rejections++;
        }
        return new MonteCarloPowerResult(trueProportion, reference, n, alpha, studies, rejections);
    }
}
