using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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
public sealed partial class ParticipantPage(IWebHostEnvironment environment)
{
    private const string BundleFolder = "lib/participant";

    private readonly Lazy<Template> _template = new(() => Template.Load(environment));

    /// <summary>The page for <paramref name="token"/>; <paramref name="session"/> null when no session has it (the page then says so).</summary>
    public string For(string token, Session? session, Experiment? experiment, string? requestedLanguage)
    {
        var template = _template.Value;
        var links = new StringBuilder();
        if (session is not null && experiment is not null && Unreserved().IsMatch(token))
        {
            // The address exactly as participant.js asks for its state, so that it gets this response.
            var language = experiment.Languages.FirstOrDefault(l => l == requestedLanguage);
            if (requestedLanguage is null || language is not null)
                Preload(links, $"/api/p/{token}{(language is null ? "" : $"?lang={language}")}", "fetch");
        }
        foreach (var module in template.Preloads.Page) ModulePreload(links, module);
        if (session is not null && experiment is not null
            && template.Preloads.Steps.GetValueOrDefault(StepModule(session, experiment)) is { } step)
        {
            foreach (var module in step.Modules.Except(template.Preloads.Page)) ModulePreload(links, module);
            foreach (var style in step.Styles) Preload(links, style, "style");
        }
        return template.Before + links + template.After;
    }

    /// <summary>The module the page shows the session's current step with (participant.js, <c>stepModule</c>).</summary>
    private static string StepModule(Session session, Experiment experiment) =>
        session.Status == SessionStatus.Declined ? "declined" : StepTypes.Of(experiment.Step(session.CurrentStep)).Name;

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
        public static Template Load(IWebHostEnvironment environment)
        {
            var html = Read(environment, "participant.html");
            var head = html.IndexOf("</head>", StringComparison.Ordinal);
            if (head < 0) throw new InvalidDataException("wwwroot/participant.html has no </head>: the preloads have no place");
            var manifest = $"{BundleFolder}/preload.json";
            Preloads preloads;
            try { preloads = JsonSerializer.Deserialize<Preloads>(Read(environment, manifest), JsonSerializerOptions.Web) ?? throw new JsonException("null"); }
            catch (JsonException e) { throw new InvalidDataException($"wwwroot/{manifest}: {e.Message} (written by build/bundle-participant.mjs)", e); }
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
