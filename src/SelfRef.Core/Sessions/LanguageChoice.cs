using System.Net.Http.Headers;
using SelfRef.Core.Experiments;
using SelfRef.Core.Languages;

namespace SelfRef.Core.Sessions;

public static class LanguageChoice
{
    /// <summary>
    /// The language to show: an explicit request (?lang=) if the experiment offers it, else the
    /// browser's preferences (Accept-Language) in order of quality, else the experiment's first.
    /// </summary>
    public static string Choose(Experiment experiment, string? requested, string? acceptLanguage) =>
        Choose(experiment.Languages, requested, acceptLanguage);

    /// <summary>The same choice among any offered language tags (returned as offered).</summary>
    public static string Choose(IReadOnlyList<string> offered, string? requested, string? acceptLanguage)
    {
        if (Match(requested, offered) is { } explicitChoice) return explicitChoice;
        foreach (var preference in Preferences(acceptLanguage))
            if (Match(preference, offered) is { } browserChoice) return browserChoice;
        return offered[0];
    }

    /// <summary>
    /// The offered tag for a wanted one: the same tag, else an offered tag that is a prefix of it
    /// (pt-BR wanted, pt offered), else the first offered tag of the same language (pt wanted,
    /// pt-BR offered). Case does not matter.
    /// </summary>
    private static string? Match(string? tag, IReadOnlyList<string> offered)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var wanted = tag.Trim().Replace('_', '-');
        foreach (var candidate in LanguageTags.Fallbacks(wanted))
            if (offered.FirstOrDefault(o => o.Equals(candidate, StringComparison.OrdinalIgnoreCase)) is { } exact) return exact;
        var primary = LanguageTags.Primary(wanted);
        return offered.FirstOrDefault(o => LanguageTags.Primary(o).Equals(primary, StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Preferences(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        return header.Split(',')
            .Select(part => StringWithQualityHeaderValue.TryParse(part.Trim(), out var v) ? v : null)
            .OfType<StringWithQualityHeaderValue>()
            .Where(v => v.Quality is null or > 0)
            .OrderByDescending(v => v.Quality ?? 1)
            .Select(v => v.Value);
    }
}
