namespace SelfRef.Core.Experiments;

/// <summary>
/// The word a researcher most likely meant: one that differs only in case, else the closest
/// within two edits (ignoring case), provided it is unambiguous and the typo keeps most of the word.
/// </summary>
public static class DidYouMean
{
    public static string? Nearest(string? typed, IEnumerable<string> known)
    {
        if (string.IsNullOrEmpty(typed)) return null;
        var candidates = known.Distinct(StringComparer.Ordinal).Where(k => k != typed).ToList();
        if (candidates.FirstOrDefault(k => k.Equals(typed, StringComparison.OrdinalIgnoreCase)) is { } caseOnly) return caseOnly;
        var limit = Math.Min(2, Math.Max(1, typed.Length / 3));
        var scored = candidates
            .Select(k => (Known: k, Distance: Distance(typed.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .ToList();
        if (scored.Count == 0) return null;
        return scored.Count > 1 && scored[1].Distance == scored[0].Distance ? null : scored[0].Known;
    }

    /// <summary>" — did you mean 'x'?" or nothing, for the end of a message.</summary>
    public static string Phrase(string? suggestion) => suggestion is null ? "" : $"; did you mean '{suggestion}'?";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
