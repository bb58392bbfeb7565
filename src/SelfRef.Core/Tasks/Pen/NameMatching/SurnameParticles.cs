namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// Nobiliary and patronymic particles: a surname part such as "von" or "de" alone is nobody's name,
/// so "von" written by Ursula von der Leyen is not counted as part of her surname.
/// </summary>
/// <remarks>Only surnames have them; in first names "Van" (Vietnamese Văn) is a real name part.</remarks>
internal static class SurnameParticles
{
    private static readonly HashSet<string> Particles =
    [
        "von", "vom", "zu", "zum", "zur", "van", "der", "den", "ter", "ten", "te",
        "de", "del", "della", "degli", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "lo",
        "y", "e", "af", "av", "al", "el", "bin", "ibn", "ben", "bint",
    ];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Particles.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Contains(ReadOnlySpan<char> part) => Lookup.Contains(part);
}
