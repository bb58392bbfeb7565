using System.Globalization;
using System.Text;

namespace SelfRef.Core.Gazetteer;

/// <summary>
/// The search key of a place name: lower case, without diacritics, with German umlauts and their
/// spellings folded together, so that "München", "Muenchen" and "Munchen" share one key
/// ("munchen"). Punctuation becomes single spaces ("Frankfurt (Oder)" → "frankfurt oder").
/// </summary>
public static class PlaceNames
{
    // Folding one character at a time through a table is what keeps loading fast: a Unicode
    // normalisation per name costs several times more over a million names.
    private const int TableSize = 0x2000;
    private static readonly string[] Table = BuildTable();

    public static string Key(ReadOnlySpan<char> name)
    {
        // Folding can lengthen a name ("ß" → "ss"), never by more than three times.
        Span<char> folded = name.Length <= 256 ? stackalloc char[name.Length * 3] : new char[name.Length * 3];
        var length = 0;
        var space = true;
        var absorbed = false;
        foreach (var c in name)
        {
            var mapped = c < TableSize ? Table[c] : char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c).ToString() : " ";
            foreach (var m in mapped)
            {
                if (m == ' ')
                {
                    if (!space) folded[length++] = ' ';
                    space = true;
                    absorbed = false;
                    continue;
                }
                // "ue" and "ü" must meet: once diacritics are gone, the German transliterations
                // ae, oe, ue are folded too (an "e" after a, o or u is dropped, once).
                if (m == 'e' && !absorbed && length > 0 && folded[length - 1] is 'a' or 'o' or 'u')
                {
                    absorbed = true;
                    continue;
                }
                folded[length++] = m;
                space = false;
                absorbed = false;
            }
        }
        if (length > 0 && folded[length - 1] == ' ') length--;
        return new string(folded[..length]);
    }

    private static string[] BuildTable()
    {
        var table = new string[TableSize];
        var special = new Dictionary<char, string>
        {
            ['ß'] = "ss", ['ẞ'] = "ss", ['æ'] = "ae", ['Æ'] = "ae", ['œ'] = "oe", ['Œ'] = "oe",
            ['ø'] = "o", ['Ø'] = "o", ['ł'] = "l", ['Ł'] = "l", ['đ'] = "d", ['Đ'] = "d",
            ['þ'] = "th", ['Þ'] = "th", ['ı'] = "i", ['’'] = " ", ['\''] = " ",
        };
        for (var i = 0; i < TableSize; i++)
        {
            var c = (char)i;
            if (special.TryGetValue(c, out var s)) { table[i] = s; continue; }
            if (!char.IsLetterOrDigit(c)) { table[i] = char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark ? "" : " "; continue; }
            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            var kept = new StringBuilder();
            foreach (var d in decomposed)
                if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark) kept.Append(char.ToLowerInvariant(d));
            table[i] = kept.ToString();
        }
        return table;
    }
}
