using System.Net;
using System.Text.RegularExpressions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>
/// The participant page names in its head what its first step will load (issue 17.4): the
/// session's state, the page's and the step's chunks and the step's style sheets, each a file the
/// server serves; nothing of another session and nothing a link could slip in.
/// </summary>
public partial class ParticipantPagePreloadTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new() { Settings = { ["SelfRef:StartsPerAddress"] = "0" } };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_map_page_names_its_state_its_chunks_Leaflet_and_its_style_sheets_and_each_is_served()
    {
        var token = await AtThirdStep("gallup-map");
        var links = await Preloads($"/p/{token}");

        Assert.Contains(($"/api/p/{token}", "preload fetch crossorigin"), links);
        var modules = links.Where(l => l.Kind == "modulepreload").Select(l => l.Href).ToList();
        Assert.Contains(modules, m => Regex.IsMatch(m, @"^/lib/participant/map-[A-Z0-9]{8}\.js$"));
        Assert.Contains(modules, m => Regex.IsMatch(m, @"^/lib/participant/leaflet-src\.esm-[A-Z0-9]{8}\.js$"));
        Assert.DoesNotContain(modules, m => m.Contains("/pen-") || m.Contains("/consent-"));
        var styles = links.Where(l => l.Kind == "preload style").Select(l => l.Href).ToList();
        Assert.Equal(["/css/map.css", "/css/places.css", "/lib/leaflet/leaflet.css"], styles.Order());
        Assert.Equal(links.Count, links.Distinct().Count());

        var browser = _factory.Browser();
        foreach (var (href, _) in links.Where(l => !l.Href.StartsWith("/api/")))
            Assert.True((await browser.GetAsync(href)).StatusCode == HttpStatusCode.OK, $"{href}, named in the page, is not served");
    }

    [Fact]
    public async Task Each_step_names_its_own_chunk_and_styles_the_consent_page_the_consent_chunk_the_pen_page_the_pen_sheets_style()
    {
        var token = await _factory.Start("gallup-pen", "?lang=en");
        var consent = await Preloads($"/p/{token}");
        Assert.Contains(consent, l => l.Kind == "modulepreload" && l.Href.Contains("/consent-"));
        Assert.DoesNotContain(consent, l => l.Kind == "preload style");

        Assert.Equal(HttpStatusCode.OK, (await _factory.Advance(token, "consent")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Advance(token, "intro")).Status);
        var pen = await Preloads($"/p/{token}");
        Assert.Contains(pen, l => l.Kind == "modulepreload" && l.Href.Contains("/pen-"));
        Assert.DoesNotContain(pen, l => l.Href.Contains("/consent-") || l.Href.Contains("leaflet"));
        Assert.Contains(("/css/pen.css", "preload style"), pen);
    }

    [Fact]
    public async Task An_unknown_token_gets_the_page_with_its_own_chunks_only_and_no_state_address()
    {
        var page = await _factory.Browser().GetAsync("/p/no-such-session");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var links = Links(await page.Content.ReadAsStringAsync());
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.Equal("modulepreload", l.Kind));
        Assert.DoesNotContain(links, l => l.Href.Contains("no-such-session"));
    }

    [Fact]
    public async Task The_state_is_named_with_the_language_the_page_will_ask_for_and_not_at_all_for_one_the_experiment_does_not_offer()
    {
        var token = await _factory.Start("gallup-pen", "?lang=en");
        Assert.Contains(($"/api/p/{token}?lang=de", "preload fetch crossorigin"), await Preloads($"/p/{token}?lang=de"));
        Assert.Contains(($"/api/p/{token}", "preload fetch crossorigin"), await Preloads($"/p/{token}?lang="));
        // The page reads its address with URLSearchParams: the first "lang", by its exact name.
        Assert.Contains(($"/api/p/{token}", "preload fetch crossorigin"), await Preloads($"/p/{token}?Lang=de"));
        Assert.Contains(($"/api/p/{token}?lang=de", "preload fetch crossorigin"), await Preloads($"/p/{token}?Lang=fr&lang=de&lang=en"));

        // The page asks with exactly what the address holds; a language not offered, or written otherwise, is not repeated.
        foreach (var query in new[] { "?lang=xx", "?lang=DE", "?lang=%22%3E%3Cscript%3Ealert(1)%3C/script%3E" })
        {
            var links = await Preloads($"/p/{token}{query}");
            Assert.DoesNotContain(links, l => l.Href.StartsWith("/api/"));
            Assert.Contains(links, l => l.Href.Contains("/consent-"));
        }
        Assert.DoesNotContain("<script>alert", await (await _factory.Browser().GetAsync($"/p/{token}?lang=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")).Content.ReadAsStringAsync());
    }

    private async Task<string> AtThirdStep(string experiment)
    {
        var token = await _factory.Start(experiment, "?lang=en");
        Assert.Equal(HttpStatusCode.OK, (await _factory.Advance(token, "consent")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Advance(token, "intro")).Status);
        return token;
    }

    private async Task<List<(string Href, string Kind)>> Preloads(string address)
    {
        var page = await _factory.Browser().GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return Links(await page.Content.ReadAsStringAsync());
    }

    /// <summary>The preload links of a page's head: address, and "modulepreload", "preload style" or "preload fetch crossorigin".</summary>
    private static List<(string Href, string Kind)> Links(string html) =>
        PreloadLink().Matches(html[..html.IndexOf("</head>", StringComparison.Ordinal)])
            .Select(m => (WebUtility.HtmlDecode(m.Groups["href"].Value),
                m.Groups["rel"].Value + (m.Groups["as"].Success ? " " + m.Groups["as"].Value : "") + (m.Groups["cors"].Success ? " crossorigin" : "")))
            .ToList();

    [GeneratedRegex("""<link rel="(?<rel>modulepreload|preload)" href="(?<href>[^"]*)"(?: as="(?<as>[a-z]+)")?(?<cors> crossorigin)?>""")]
    private static partial Regex PreloadLink();
}
