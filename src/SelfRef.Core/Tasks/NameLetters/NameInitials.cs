using SelfRef.Core.Tasks.Pen.NameMatching;

namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>Which of the participant's names a letter is an initial of.</summary>
[Flags]
public enum InitialOf { None = 0, FirstName = 1, Surname = 2 }

/// <summary>
/// The initials of a participant's own first name and surname, as letters folded the way the pen
/// task's name matching folds names (<see cref="NameNormalizer"/>: case, accents and umlauts fall
/// away, so "Özlem" has the initial o, as does a letter Ö or O shown in the grid).
/// </summary>
/// <remarks>
/// What counts as an initial, decided once here:
/// <list type="bullet">
/// <item>First name: the first letter of every part, since hyphens and spaces separate parts alike
/// (as in NameMatching): "Anne-Marie" and "Anne Marie" have the initials a and m; "Anna M" a and m.</item>
/// <item>Surname: the first letter of the surname as given, and the first letter of every part that
/// is not a particle (NameMatching's list: von, van, der, de, la, …): "van der Berg" has v (Belgium
/// and Germany file it under V) and b (the Netherlands file it under B), not d; "von der Leyen"
/// v and l; "García Márquez" and "Müller-Lüdenscheidt" both parts' initials; "O'Connor" only o
/// (the apostrophe joins).</item>
/// <item>Names in other scripts keep their own first letter ("Иван": и), which no Latin grid shows.</item>
/// </list>
/// </remarks>
public sealed record NameInitials(IReadOnlyDictionary<char, InitialOf> Letters)
{
    public static readonly NameInitials None = new(new Dictionary<char, InitialOf>());

    public bool IsEmpty => Letters.Count == 0;

    public static NameInitials Of(string? firstName, string? surname)
    {
        var letters = new Dictionary<char, InitialOf>();
        void Add(char letter, InitialOf of) => letters[letter] = letters.GetValueOrDefault(letter) | of;

        foreach (var part in Parts(firstName)) Add(part[0], InitialOf.FirstName);
        var surnameParts = Parts(surname);
        if (surnameParts.Length > 0) Add(surnameParts[0][0], InitialOf.Surname);
        foreach (var part in surnameParts.Where(p => !SurnameParticles.Contains(p))) Add(part[0], InitialOf.Surname);
        return new NameInitials(letters);
    }

    /// <summary>Which name a letter shown (or picked) is an initial of; None when it is no initial.</summary>
    public InitialOf Initial(string? letter) => Key(letter) is { } key ? Letters.GetValueOrDefault(key) : InitialOf.None;

    /// <summary>A letter as initials are compared: lower case, without accents ("Ä" → a); null for no letter.</summary>
    public static char? Key(string? letter) => NameNormalizer.Normalize(letter) is { Length: > 0 } folded ? folded[0] : null;

    private static string[] Parts(string? name) => NameNormalizer.Normalize(name).Split(NameNormalizer.PartSeparator, StringSplitOptions.RemoveEmptyEntries);
}
