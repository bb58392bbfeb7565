using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Participant;

/// <summary>
/// The participant page (wwwroot/participant.html) as sent for one session, with what its first
/// step will load named in its head as preloads: the session's state, the page's chunks, and the
/// current step's chunks (Leaflet for the map) and style sheets. Without them the browser found each
/// only when the one before had arrived and run (page → module → state → step → Leaflet and styles),
/// a round trip each on a slow phone network, and the step's first words waited for the last
/// (issue 17.4). What each step loads comes from preload.json, which the build writes beside the
/// bundle (build/bundle-participant.mjs).
/// The page names only its own token (already in its address), a language the experiment offers and
/// public files: nothing a third party could choose goes into it, so compressing it gives nothing away.
/// </summary>
public sealed partial class ParticipantPage(IWebHostEnvironment environment, SessionService sessions, ILogger<ParticipantPage> log)
{
    private const string BundleFolder = "lib/participant";

    // Retried on the next request if it failed (the page itself missing); a missing or bad preload.json gives the page without preloads.
    private readonly Lazy<Template> _template = new(() => Template.Load(environment, log), LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The page for the link <c>/p/{token}{query}</c>.</summary>
    public string For(string token, QueryString query)
    {
        var template = _template.Value;
        var links = new StringBuilder();
        var (session, experiment, step) = Current(token);
        if (session is not null && experiment is not null && Unreserved().IsMatch(token))
        {
            // The address exactly as participant.js asks for its state, so that it gets this response.
            var requested = LanguageAsThePageReadsIt(query);
            var language = experiment.Languages.FirstOrDefault(l => l == requested);
            if (requested is null || language is not null)
                Preload(links, $"/api/p/{token}{(language is null ? "" : $"?lang={language}")}", "fetch");
        }
        foreach (var module in template.Preloads.Page) ModulePreload(links, module);
        if (step is not null && template.Preloads.Steps.GetValueOrDefault(step) is { } files)
        {
            foreach (var module in files.Modules.Except(template.Preloads.Page)) ModulePreload(links, module);
            foreach (var style in files.Styles) Preload(links, style, "style");
        }
        return template.Before + links + template.After;
    }

    /// <summary>
    /// The session, its experiment version and the module the page will show its current step with
    /// (participant.js, <c>stepModule</c>). The preloads only save time: whatever fails here (a store
    /// that does not answer, a version or step no longer known) gives the page without them, and the
    /// page's own state request shows the participant what is wrong, as it did before.
    /// </summary>
    private (Session? Session, Experiment? Experiment, string? Step) Current(string token)
    {
        try
        {
            if (sessions.Find(token) is not { } session) return (null, null, null);
            var experiment = sessions.ExperimentOf(session);
            var step = session.Status == SessionStatus.Declined ? "declined" : StepTypes.Of(experiment.Step(session.CurrentStep)).Name;
            return (session, experiment, step);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning("The participant page goes without preloads: {Problem}", e.Message);
            return (null, null, null);
        }
    }

    /// <summary>
    /// The first <c>lang</c> parameter as <c>URLSearchParams.get</c> reads it: the name exactly (ASP.NET's
    /// query collection ignores case), none when empty.
    /// </summary>
    private static string? LanguageAsThePageReadsIt(QueryString query)
    {
        foreach (var pair in new QueryStringEnumerable(query.Value))
        {
            if (pair.DecodeName().Span.SequenceEqual("lang")) return pair.DecodeValue() is { Length: > 0 } value ? value.ToString() : null;
        }
        return null;
    }

    private static void ModulePreload(StringBuilder links, string href) =>
        links.Append($"  <link rel=\"modulepreload\" href=\"{WebUtility.HtmlEncode(href)}\">\n");

    // A fetch() is a CORS request of this origin: the preload must be one too (crossorigin) to be used.
    private static void Preload(StringBuilder links, string href, string type) =>
        links.Append($"  <link rel=\"preload\" href=\"{WebUtility.HtmlEncode(href)}\" as=\"{type}\"{(type == "fetch" ? " crossorigin" : "")}>\n");

    /// <summary>Characters encodeURIComponent leaves as they are, so the address above is the one the page builds.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.~-]+$")]
    private static partial Regex Unreserved();

    private sealed record Template(string Before, string After, Preloads Preloads)
    {
        public static Template Load(IWebHostEnvironment environment, ILogger log)
        {
            var html = Read(environment, "participant.html");
            var head = html.IndexOf("</head>", StringComparison.Ordinal);
            if (head < 0) throw new InvalidDataException("wwwroot/participant.html has no </head>: the preloads have no place");
            var manifest = $"{BundleFolder}/preload.json";
            var preloads = new Preloads([], new Dictionary<string, StepPreloads>());
            try { preloads = JsonSerializer.Deserialize<Preloads>(Read(environment, manifest), JsonSerializerOptions.Web) ?? throw new JsonException("the file holds null"); }
            catch (Exception e) when (e is JsonException or FileNotFoundException)
            {
                log.LogWarning("wwwroot/{Manifest} cannot be read ({Problem}; build/bundle-participant.mjs writes it at build): participant pages go without preloads", manifest, e.Message);
            }
            return new Template(html[..head], html[head..], preloads);
        }

        private static string Read(IWebHostEnvironment environment, string path)
        {
            var file = environment.WebRootFileProvider.GetFileInfo(path);
            if (!file.Exists) throw new FileNotFoundException($"wwwroot/{path} is missing: the build writes it (dotnet build)", path);
            using var reader = new StreamReader(file.CreateReadStream());
            return reader.ReadToEnd();
        }
    }

    private sealed record Preloads(IReadOnlyList<string> Page, IReadOnlyDictionary<string, StepPreloads> Steps);

    private sealed record StepPreloads(IReadOnlyList<string> Modules, IReadOnlyList<string> Styles);
}
