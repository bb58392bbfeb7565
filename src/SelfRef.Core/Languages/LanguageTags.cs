using System.Globalization;
using System.Text.RegularExpressions;

namespace SelfRef.Core.Languages;

/// <summary>BCP 47 language tags as experiment files declare them ("en", "de", "fr", "pt-BR", "zh-Hant").</summary>
public static partial class LanguageTags
{
    /// <summary>
    /// Well-formedness of the tags used in practice (RFC 5646 "langtag" without extensions and
    /// private use): language, optional script, optional region, optional variants.
    /// </summary>
    public const string Pattern = "^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*$";

    /// <summary>The pattern in words, for messages (a researcher should never have to read the expression).</summary>
    public const string Words = "a BCP 47 language tag: a 2–3 letter language code, optionally followed by a script and a region, e.g. en, de, fr, pt-BR, zh-Hant";

    [GeneratedRegex(Pattern)]
    private static partial Regex WellFormed();

    public static bool IsWellFormed(string? tag) => tag is not null && WellFormed().IsMatch(tag);

    /// <summary>The tag and its shorter prefixes, most specific first: "zh-Hant-TW" → zh-Hant-TW, zh-Hant, zh.</summary>
    public static IEnumerable<string> Fallbacks(string tag)
    {
        var parts = tag.Split('-');
        for (var n = parts.Length; n >= 1; n--) yield return string.Join('-', parts.Take(n));
    }

    public static string Primary(string tag) => tag.Split('-', '_')[0];

    /// <summary>
    /// The language's name in itself, capitalised ("Deutsch", "English", "Français"), for the
    /// participant's language menu; the tag itself where ICU knows no name for it. Named here and
    /// not in the browser: the browser's Intl.DisplayNames loads its locale data on first use,
    /// a quarter of a second of main thread on a phone before the page can answer (issue 17.4).
    /// </summary>
    public static string Autonym(string tag)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag, predefinedOnly: true);
            var name = culture.NativeName;
            return string.IsNullOrWhiteSpace(name) || name.Equals(tag, StringComparison.OrdinalIgnoreCase) ? tag
                : culture.TextInfo.ToUpper(name[0]) + name[1..];
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }
}
