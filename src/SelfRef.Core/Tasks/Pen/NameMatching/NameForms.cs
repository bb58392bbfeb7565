namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// The forms of one normalised name that a participant might write: the whole name with its
/// parts joined, each part that is a name on its own, and its initials. All are slices of
/// caller-owned buffers, so reading them allocates nothing.
/// </summary>
internal readonly ref struct NameForms
{
    private readonly ReadOnlySpan<char> normalized;
    private readonly ReadOnlySpan<Range> parts;

    private NameForms(ReadOnlySpan<char> normalized, ReadOnlySpan<char> whole, ReadOnlySpan<Range> parts, ReadOnlySpan<char> allInitials)
    {
        this.normalized = normalized;
        Whole = whole;
        this.parts = parts;
        AllInitials = allInitials;
    }

    /// <summary>"annalena" for "anna lena".</summary>
    public ReadOnlySpan<char> Whole { get; }

    /// <summary>One letter per part ("al" for "anna lena"); empty for a one-part name.</summary>
    public ReadOnlySpan<char> AllInitials { get; }

    public bool IsEmpty => Whole.IsEmpty;

    /// <summary>Parts that are names on their own; none for a one-part name.</summary>
    public int PartCount => parts.Length;

    public ReadOnlySpan<char> Part(int index) => normalized[parts[index]];

    /// <summary>The whole name first, then its parts.</summary>
    public int FormCount => 1 + parts.Length;

    public ReadOnlySpan<char> Form(int index) => index == 0 ? Whole : Part(index - 1);

    public static int BufferLength(string normalized) => normalized.Length;

    /// <param name="normalized">Output of <see cref="NameNormalizer.Normalize"/>.</param>
    /// <param name="isSurname">Surnames lose their particles ("von", "de") as stand-alone parts.</param>
    /// <param name="letters">At least <see cref="BufferLength"/> chars, for the whole name.</param>
    /// <param name="initials">At least <see cref="BufferLength"/> chars, for the initials.</param>
    /// <param name="ranges">At least <see cref="BufferLength"/> ranges, for the parts.</param>
    public static NameForms Read(ReadOnlySpan<char> normalized, bool isSurname, Span<char> letters, Span<char> initials, Span<Range> ranges)
    {
        var wholeLength = 0;
        foreach (var c in normalized)
            if (c != NameNormalizer.PartSeparator) letters[wholeLength++] = c;

        var rawParts = normalized.IsEmpty ? 0 : normalized.Split(ranges, NameNormalizer.PartSeparator);
        if (rawParts < 2)
            return new NameForms(normalized, letters[..wholeLength], [], []);

        var eligible = 0;
        for (var i = 0; i < rawParts; i++)
        {
            var part = normalized[ranges[i]];
            initials[i] = part[0];
            if (IsNameOnItsOwn(part, isSurname)) ranges[eligible++] = ranges[i];
        }

        return new NameForms(normalized, letters[..wholeLength], ranges[..eligible], initials[..rawParts]);
    }

    // A lone letter ("Anna M" given as a first name) or a particle is not somebody's name.
    private static bool IsNameOnItsOwn(ReadOnlySpan<char> part, bool isSurname) =>
        part.Length > 1 && !(isSurname && SurnameParticles.Contains(part));
}
