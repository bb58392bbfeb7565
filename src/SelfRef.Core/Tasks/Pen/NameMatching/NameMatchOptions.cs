namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>How lenient the own-name match is. The defaults are justified in <see cref="NameMatcher"/>.</summary>
public sealed record NameMatchOptions
{
    public static NameMatchOptions Default { get; } = new();

    /// <summary>Jaro–Winkler similarity from which a non-identical spelling still counts as the name.</summary>
    public double Threshold
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            field = value;
        }
    } = 0.95;

    /// <summary>
    /// Names this short (in letters) must be written exactly: between "Jon" and "John" or
    /// "Jan" and "Jana" one letter is the whole difference between two people.
    /// </summary>
    public int ExactOnlyUpToLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 3;

    /// <summary>
    /// Whether a name that is the other with letters added or cut at the end may match
    /// fuzzily ("Julia" for "Julian", "Christiane" for "Christian"). Off by default, because in
    /// German and most European languages that is how one name becomes another.
    /// </summary>
    public bool AcceptLongerOrShorterForms { get; init; }
}
