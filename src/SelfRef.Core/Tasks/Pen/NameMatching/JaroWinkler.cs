namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// Jaro–Winkler similarity (Winkler 1990), the record-linkage standard for personal names:
/// 1 for equal strings, 0 for strings without a common letter, and a bonus for a shared
/// beginning because typing errors are rarer at the start of a name.
/// </summary>
/// <remarks>
/// The plain formulation (as in Wikipedia and Apache Commons Text), without strcmp95's
/// adjustments for similar-looking letters and long strings, so that values are reproducible
/// from the published worked examples.
/// </remarks>
public static class JaroWinkler
{
    public const double StandardPrefixScale = 0.1;
    public const int StandardMaxPrefixLength = 4;

    private const int StackLimit = 256;

    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
        Similarity(a, b, StandardPrefixScale, StandardMaxPrefixLength);

    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b, double prefixScale, int maxPrefixLength)
    {
        // Above 1/maxPrefixLength the bonus could lift the score past 1.
        ArgumentOutOfRangeException.ThrowIfNegative(prefixScale);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPrefixLength);
        if (prefixScale * maxPrefixLength > 1)
            throw new ArgumentOutOfRangeException(nameof(prefixScale), "prefixScale × maxPrefixLength must not exceed 1.");

        var jaro = Jaro(a, b);
        var prefix = CommonPrefixLength(a, b, maxPrefixLength);
        return jaro + prefix * prefixScale * (1 - jaro);
    }

    public static double Jaro(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b)) return 1;
        if (a.IsEmpty || b.IsEmpty) return 0;

        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> matchedInA = a.Length <= StackLimit ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> matchedInB = b.Length <= StackLimit ? stackalloc bool[b.Length] : new bool[b.Length];
        matchedInA.Clear();
        matchedInB.Clear();

        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var end = Math.Min(b.Length, i + window + 1);
            for (var j = Math.Max(0, i - window); j < end; j++)
            {
                if (matchedInB[j] || a[i] != b[j]) continue;
                matchedInA[i] = matchedInB[j] = true;
                matches++;
                break;
            }
        }

        if (matches == 0) return 0;

        // Matched letters met in a different order; each transposition shows up twice.
        var outOfOrder = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!matchedInA[i]) continue;
            while (!matchedInB[k]) k++;
            if (a[i] != b[k]) outOfOrder++;
            k++;
        }

        double m = matches;
        return (m / a.Length + m / b.Length + (m - outOfOrder / 2.0) / m) / 3;
    }

    private static int CommonPrefixLength(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        var limit = Math.Min(max, Math.Min(a.Length, b.Length));
        var length = 0;
        while (length < limit && a[length] == b[length]) length++;
        return length;
    }
}
