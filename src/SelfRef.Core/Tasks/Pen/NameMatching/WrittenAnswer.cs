namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// The written answer, folded to its letters, and the rules for accepting a form of the
/// participant's name for it; the best form offered so far is kept in <see cref="Closest"/>.
/// </summary>
internal ref struct WrittenAnswer
{
    // Scores are sums of thirds, which a double cannot hold exactly: a pair that scores the
    // threshold on paper must not fail by a rounding error.
    private const double Tolerance = 1e-9;
    private const int StackLimit = 128;

    private readonly ReadOnlySpan<char> letters;
    private readonly int partCount;
    private readonly bool looksLikeInitials;
    private readonly NameMatchOptions options;

    public ClosestForm Closest;

    public WrittenAnswer(ReadOnlySpan<char> letters, int partCount, bool looksLikeInitials, NameMatchOptions options, ClosestForm closest)
    {
        this.letters = letters;
        this.partCount = partCount;
        this.looksLikeInitials = looksLikeInitials;
        this.options = options;
        Closest = closest;
    }

    /// <summary>A name, or one written out in full: exact or within the threshold.</summary>
    public void CompareWith(NamePart part, scoped ReadOnlySpan<char> form) => Offer(part, form, fuzzy: true, eligible: !form.IsEmpty);

    /// <summary>
    /// First name and surname written out, in the given order. A typo is allowed in each half,
    /// but each half must pass on its own: over the whole string one wrong letter weighs so
    /// little that "Anne Müller" would pass for Anna Müller (0.953) although "Anne" does not.
    /// </summary>
    public void CompareWithJoined(scoped ReadOnlySpan<char> first, scoped ReadOnlySpan<char> second)
    {
        Span<char> joined = Join(first, second, stackalloc char[StackLimit]);
        var score = JaroWinkler.Similarity(letters, joined);
        var accepted = letters.SequenceEqual(joined) || SplitsInto(first, second);
        Closest.Offer(NamePart.FullName, letters, joined, score, accepted);
    }

    /// <summary>
    /// "A. Müller", "Anna M.": exact only, and the abbreviation must stand apart, because
    /// "Annas" is a word, not "Anna S.".
    /// </summary>
    public void CompareWithAbbreviated(scoped ReadOnlySpan<char> first, scoped ReadOnlySpan<char> second)
    {
        Span<char> joined = Join(first, second, stackalloc char[StackLimit]);
        Offer(NamePart.FullName, joined, fuzzy: false, eligible: partCount >= 2);
    }

    /// <summary>
    /// "AM", "A.M.", "a. m.": exact only, written as capitals or as separate letters, because
    /// "am" and "Am" are words.
    /// </summary>
    public void CompareWithInitials(scoped ReadOnlySpan<char> first, scoped ReadOnlySpan<char> second)
    {
        Span<char> joined = Join(first, second, stackalloc char[StackLimit]);
        Offer(NamePart.Initials, joined, fuzzy: false, eligible: looksLikeInitials && !first.IsEmpty && !second.IsEmpty);
    }

    private static Span<char> Join(ReadOnlySpan<char> first, ReadOnlySpan<char> second, Span<char> stack)
    {
        var length = first.Length + second.Length;
        var joined = length <= stack.Length ? stack[..length] : new char[length];
        first.CopyTo(joined);
        second.CopyTo(joined[first.Length..]);
        return joined;
    }

    // Forms the answer could not match in principle are not offered at all, so the reported
    // closest form is never "am" with score 1 for a participant who typed the word "am".
    private void Offer(NamePart part, scoped ReadOnlySpan<char> form, bool fuzzy, bool eligible)
    {
        if (!eligible) return;
        var score = JaroWinkler.Similarity(letters, form);
        var accepted = letters.SequenceEqual(form) || (fuzzy && CloseEnough(letters, form, score));
        Closest.Offer(part, letters, form, score, accepted);
    }

    private readonly bool SplitsInto(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        for (var split = 1; split < letters.Length; split++)
        {
            if (Accepts(letters[..split], first) && Accepts(letters[split..], second)) return true;
        }

        return false;
    }

    private readonly bool Accepts(ReadOnlySpan<char> written, ReadOnlySpan<char> form) =>
        written.SequenceEqual(form) || CloseEnough(written, form, JaroWinkler.Similarity(written, form));

    private readonly bool CloseEnough(ReadOnlySpan<char> written, ReadOnlySpan<char> form, double score)
    {
        if (Math.Min(written.Length, form.Length) <= options.ExactOnlyUpToLength) return false;
        if (!options.AcceptLongerOrShorterForms && (written.StartsWith(form) || form.StartsWith(written))) return false;
        return score >= options.Threshold - Tolerance;
    }
}
