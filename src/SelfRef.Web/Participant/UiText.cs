using System.Globalization;
using System.Net;
using SelfRef.Core.Experiments;
using SelfRef.Core.Languages;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Participant;

/// <summary>
/// The participant pages' own words (buttons, messages), from the translation files: the shipped
/// translations/*.json beside the program, then the researcher's own folder (SelfRef:Translations).
/// </summary>
public sealed class UiText(Translations translations)
{
    /// <summary>The shipped translation files (de, en, fr), copied beside the program.</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "translations");

    /// <summary>The shipped files and, when given, a researcher's folder whose files add or replace texts.</summary>
    public static Translations Load(string? extraFolder)
    {
        if (extraFolder is { Length: > 0 } && !Directory.Exists(extraFolder))
            throw new DirectoryNotFoundException($"translations folder not found: {Path.GetFullPath(extraFolder)} (SelfRef:Translations)");
        return Translations.Load(ShippedFolder, extraFolder);
    }

    public Translations Translations { get; } = translations;

    public IReadOnlyDictionary<string, string> All(string language) => Translations.All(language);

    public string Get(string language, string key) => Translations.Get(language, key);

    /// <summary>The language for a page outside any experiment (withdrawal, "not found"): any language with a translation file.</summary>
    public string Choose(string? requested, string? acceptLanguage) =>
        LanguageChoice.Choose([Translations.Reference, .. Translations.Languages.Where(l => l != Translations.Reference)], requested, acceptLanguage);

    public string NotFoundPage(string language) => Page(language, Get(language, "notFound.title"), Get(language, "notFound.text"));

    /// <summary>The polite page a new arrival sees when the experiment takes nobody new: paused (come back later), closed or full (thank you).</summary>
    public string UnavailablePage(string language, ExperimentStatus status) => status switch
    {
        ExperimentStatus.Paused => Page(language, Get(language, "unavailable.paused.title"), Get(language, "unavailable.paused.text")),
        ExperimentStatus.Full => Page(language, Get(language, "unavailable.closed.title"), Get(language, "unavailable.full.text")),
        _ => Page(language, Get(language, "unavailable.closed.title"), Get(language, "unavailable.closed.text")),
    };

    /// <summary>
    /// The page a new arrival sees when their address has started too many sessions just now (a
    /// crowd behind one router): try again in a while; the page itself tries again then.
    /// </summary>
    public string TooManyStartsPage(string language, TimeSpan wait) =>
        Page(language, Get(language, "tooManyStarts.title"),
            string.Format(CultureInfo.InvariantCulture, Get(language, "tooManyStarts.text"), Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))),
            $"""<meta http-equiv="refresh" content="{(int)Math.Ceiling(wait.TotalSeconds)}">""");

    private static string Page(string language, string title, string text, string head = "") =>
        $"""
        <!doctype html><html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{head}
        <title>{WebUtility.HtmlEncode(title)}</title><link rel="stylesheet" href="/css/participant.css"></head>
        <body><main class="page"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p></main></body></html>
        """;
}
