namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// The two ways a participant without a German (or Scandinavian) keyboard spells "Müller":
/// "Muller" (the dots dropped) or "Mueller" (the ASCII convention). Names are matched in both
/// spellings and a match in either counts.
/// </summary>
public enum UmlautSpelling
{
    /// <summary>ä→a, ö→o, ü→u, ø→o, å→a: what an English keyboard produces.</summary>
    Stripped,

    /// <summary>ä→ae, ö→oe, ü→ue, ø→oe, å→aa: the German and Nordic transcription.</summary>
    Expanded,
}
