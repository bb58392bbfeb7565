using System.Globalization;
using System.Text;

namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// Folds a name to lower-case basic letters, its parts separated by single spaces:
/// "  Anna-Lena O'Connor. " → "anna lena oconnor".
/// </summary>
/// <remarks>
/// Decisions a researcher may want to know about:
/// <list type="bullet">
/// <item>Accents fall away after Unicode NFKD, so é, ñ, ç, ş, ễ compare as e, n, c, s, e.</item>
/// <item>Letters NFKD leaves alone are mapped by hand: ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ/ð→d, þ→th,
/// and the Turkish dotless ı→i (İ already becomes i through NFKD).</item>
/// <item>Hyphens, spaces, dots, commas, digits and every other non-letter separate parts, so
/// "Anna-Lena", "Anna Lena" and "Anna.Lena" have the same parts.</item>
/// <item>Apostrophes (and the Catalan middle dot) join instead: "O'Connor" is one name,
/// "Connor" is not part of it.</item>
/// <item>Other scripts are kept as letters but not transliterated: "Иван" is not "Ivan".</item>
/// </list>
/// </remarks>
public static class NameNormalizer
{
    public const char PartSeparator = ' ';

    private const char CombiningDiaeresis = '\u0308';
    private const char CombiningRingAbove = '\u030A';
    private const int StackLimit = 256;

    public static string Normalize(string? text, UmlautSpelling spelling = UmlautSpelling.Stripped)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";

        // Most answers are plain ASCII; skipping NFKD for them saves a string per call.
        var decomposed = Ascii.IsValid(text) ? text : text.Normalize(NormalizationForm.FormKD);

        // No letter grows beyond two letters (ß→ss, ü→ue), so twice the input always fits.
        var capacity = decomposed.Length * 2;
        Span<char> folded = capacity <= StackLimit ? stackalloc char[capacity] : new char[capacity];

        var length = 0;
        var separatorPending = false;
        for (var i = 0; i < decomposed.Length; i++)
        {
            var c = decomposed[i];
            var next = i + 1 < decomposed.Length ? decomposed[i + 1] : '\0';
            if (IsJoiner(c) || IsCombiningMark(c) || IsSpacingAccent(c, next)) continue;
            if (!char.IsLetter(c))
            {
                separatorPending = length > 0;
                continue;
            }

            if (separatorPending)
            {
                folded[length++] = PartSeparator;
                separatorPending = false;
            }

            length += Fold(char.ToLowerInvariant(c), next, spelling, folded[length..]);
        }

        return new string(folded[..length]);
    }

    private static int Fold(char c, char next, UmlautSpelling spelling, Span<char> into)
    {
        var expanded = spelling == UmlautSpelling.Expanded;
        switch (c)
        {
            case 'a' or 'o' or 'u' when expanded && next == CombiningDiaeresis:
                return Write(into, c, 'e');
            case 'a' when expanded && next == CombiningRingAbove:
                return Write(into, 'a', 'a');
            case 'ø':
                return expanded ? Write(into, 'o', 'e') : Write(into, 'o');
            case 'ß': return Write(into, 's', 's');
            case 'æ': return Write(into, 'a', 'e');
            case 'œ': return Write(into, 'o', 'e');
            case 'þ': return Write(into, 't', 'h');
            case 'ł': return Write(into, 'l');
            case 'đ' or 'ð': return Write(into, 'd');
            case 'ħ': return Write(into, 'h');
            case 'ŧ': return Write(into, 't');
            case 'ı': return Write(into, 'i');
            default: return Write(into, c);
        }
    }

    private static int Write(Span<char> into, char first)
    {
        into[0] = first;
        return 1;
    }

    private static int Write(Span<char> into, char first, char second)
    {
        into[0] = first;
        into[1] = second;
        return 2;
    }

    private static bool IsJoiner(char c) =>
        c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B7';

    // NFKD spells a stand-alone accent such as ´ (used as an apostrophe in "O´Connor") as a
    // space followed by the combining accent; it is a joiner, not a gap between parts.
    private static bool IsSpacingAccent(char c, char next) => c == ' ' && IsCombiningMark(next);

    private static bool IsCombiningMark(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark;
}
