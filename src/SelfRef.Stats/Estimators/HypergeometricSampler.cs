using MathNet.Numerics;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// Draws from the hypergeometric distribution (successes among <c>draws</c> taken without
/// replacement from <c>population</c> items of which <c>successes</c> are successes) by
/// inversion, searching outwards from the mode: the expected number of steps grows with the
/// standard deviation, not with the population, so a table of 100,000 people costs about a
/// hundred steps per column rather than one per person.
/// </summary>
internal static class HypergeometricSampler
{
    public static int Sample(Random random, int population, int successes, int draws)
    {
        if (population < 0 || successes < 0 || successes > population || draws < 0 || draws > population)
            throw new ArgumentOutOfRangeException(nameof(draws), $"no hypergeometric distribution with population {population}, successes {successes}, draws {draws}");
        var failures = population - successes;
        var lo = Math.Max(0, draws - failures);
        var hi = Math.Min(draws, successes);
        if (lo == hi) return lo;
        var mode = Math.Clamp((int)Math.Floor((draws + 1.0) * (successes + 1.0) / (population + 2.0)), lo, hi);
        var atMode = Math.Exp(SpecialFunctions.BinomialLn(successes, mode) + SpecialFunctions.BinomialLn(failures, draws - mode)
            - SpecialFunctions.BinomialLn(population, draws));
        var u = random.NextDouble() - atMode;
        if (u < 0) return mode;
        // Alternate above and below the mode; the masses follow from their neighbours by the ratio
        // P(x+1)/P(x) = (K−x)(n−x) / ((x+1)(N−K−n+x+1)).
        int up = mode, down = mode;
        double pUp = atMode, pDown = atMode;
        while (up < hi || down > lo)
        {
            if (up < hi)
            {
                pUp *= (double)(successes - up) * (draws - up) / ((up + 1.0) * (failures - draws + up + 1.0));
                up++;
                u -= pUp;
                if (u < 0) return up;
            }
            if (down > lo)
            {
                pDown *= down * (failures - draws + (double)down) / ((successes - down + 1.0) * (draws - down + 1.0));
                down--;
                u -= pDown;
                if (u < 0) return down;
            }
        }
        // Only rounding (the masses summing to a hair below 1) gets here.
        return mode;
    }
}
