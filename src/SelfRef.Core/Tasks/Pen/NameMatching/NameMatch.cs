namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// The outcome of comparing what a participant wrote with the name they gave later.
/// </summary>
/// <param name="Matched">Whether the written word counts as the participant's own name.</param>
/// <param name="Part">The part it matched; <see cref="NamePart.None"/> when it did not match.</param>
/// <param name="Score">
/// Jaro–Winkler similarity (0..1) to the closest form of the name, kept for analysis even when
/// there is no match: "Hanna" for "Anna" shows 0.93, below the threshold; "Julia" for "Julian"
/// shows 0.97 and is still no match, because a longer or shorter form is another name.
/// </param>
/// <param name="Written">The written answer as compared: normalised, parts joined ("mulleranna").</param>
/// <param name="ComparedWith">The closest form of the participant's name, normalised the same way.</param>
public sealed record NameMatch(bool Matched, NamePart Part, double Score, string Written, string ComparedWith)
{
    public static NameMatch Nothing { get; } = new(false, NamePart.None, 0, "", "");
}
