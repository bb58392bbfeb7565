using System.Net.Http.Headers;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Sessions;

public static class LanguageChoice
{
    /// <summary>
    /// The language to show: an explicit request (?lang=) if the experiment offers it, else the
    /// browser's preferences (Accept-Language) in order of quality, else the experiment's first.
    /// </summary>
    public static string Choose(Experiment experiment, string? requested, string? acceptLanguage)
    {
        var offered = experiment.Languages.Select(l => l.Code()).ToList();
        if (Match(requested, offered) is { } explicitChoice) return explicitChoice;
        foreach (var preference in Preferences(acceptLanguage))
            if (Match(preference, offered) is { } browserChoice) return browserChoice;
        return offered[0];
    }

    private static string? Match(string? tag, List<string> offered)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var primary = tag.Split('-', '_')[0].Trim().ToLowerInvariant();
        return offered.Contains(primary) ? primary : null;
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
