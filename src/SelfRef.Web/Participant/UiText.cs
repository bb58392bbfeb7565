using System.Collections;
using System.Globalization;
using System.Net;
using System.Resources;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Participant;

/// <summary>The participant page's own words (buttons, messages), from Resources/Ui.resx and Ui.de.resx.</summary>
public sealed class UiText
{
    public static readonly string[] Languages = ["en", "de"];
    private readonly ResourceManager _resources = new("SelfRef.Web.Resources.Ui", typeof(UiText).Assembly);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _all;

    public UiText()
    {
        var keys = _resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!
            .Cast<DictionaryEntry>().Select(e => (string)e.Key).Order().ToList();
        _all = Languages.ToDictionary(l => l, l =>
            (IReadOnlyDictionary<string, string>)keys.ToDictionary(k => k, k => _resources.GetString(k, CultureInfo.GetCultureInfo(l))!));
    }

    public IReadOnlyDictionary<string, string> All(string language) => _all.GetValueOrDefault(language) ?? _all["en"];

    public string Get(string language, string key) => All(language).GetValueOrDefault(key) ?? key;

    public string Choose(string? requested, string? acceptLanguage) =>
        LanguageChoice.Choose(new Core.Experiments.Experiment
        {
            Id = "ui",
            Title = [],
            Languages = [Core.Experiments.Language.En, Core.Experiments.Language.De],
            Steps = [],
        }, requested, acceptLanguage);

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
