namespace SelfRef.Stats.Estimators;

internal static class Guard
{
    public static void Counts(int k, int n, string kName = "k", string nName = "n")
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nName, n, "needs at least one observation");
        if (k < 0 || k > n) throw new ArgumentOutOfRangeException(kName, k, $"must lie between 0 and {nName} = {n}");
    }

    public static void Level(double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "confidence level must lie strictly between 0 and 1");
    }

    public static void Probability(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, p, "must be a probability between 0 and 1");
    }
}
