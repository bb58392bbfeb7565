using System.Collections.Concurrent;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// A participant opening the link of a session at its map step (as Lighthouse does, issue 17.4):
/// the browser asks for the step's chunk, Leaflet and the styles while the session's state is still
/// on its way, not one round trip after another, and fetches each of them and the state once.
/// </summary>
public class FirstStepPreloadTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_map_steps_chunk_Leaflet_and_styles_are_asked_for_while_the_session_state_is_held_back()
    {
        var link = await MapLink();
        await using var context = await fixture.NewContext(phone: true);
        var asked = new ConcurrentQueue<string>();
        var everything = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Request += (_, request) =>
        {
            asked.Enqueue(new Uri(request.Url).AbsolutePath);
            if (Needed.All(needed => asked.Any(path => needed.IsMatch(path)))) everything.TrySetResult();
        };
        var stateHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.RouteAsync("**/api/p/*", async route =>
        {
            // Held until the step's files have been asked for; without preloads they are asked for only after it.
            if (route.Request.Method == "GET")
            {
                stateHeld.TrySetResult();
                await release.Task;
            }
            await route.ContinueAsync();
        });
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(link, new() { WaitUntil = WaitUntilState.Commit });
            await stateHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // A limit that only catches a page that never asks: with preloads all are asked for at once.
            await Task.WhenAny(everything.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        }
        finally { release.TrySetResult(); }

        Assert.True(everything.Task.IsCompleted,
            $"with the session's state held back the browser did not ask for all of the map step's chunk, Leaflet's chunk and the step's style sheets (they wait for the state, a round trip each): asked {string.Join(", ", asked.Distinct())}");
        await page.MapShown();
    }

    [Theory]
    [InlineData("gallup-map", "/lib/leaflet/leaflet.css")]
    [InlineData("gallup-pen", "/css/pen.css")]
    public async Task Every_style_sheet_the_page_names_ahead_is_applied_and_the_state_and_each_named_file_are_fetched_once(string experiment, string style)
    {
        var link = await FirstTaskLink(experiment);
        await using var context = await fixture.NewContext(phone: true);
        var asked = new ConcurrentQueue<string>();
        context.Request += (_, request) => asked.Enqueue($"{request.Method} {new Uri(request.Url).PathAndQuery}");
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByText("Step 3 of", new() { Exact = false })).ToBeVisibleAsync();

        var named = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('link[rel=modulepreload], link[rel=preload]')].map(l => new URL(l.href).pathname + new URL(l.href).search)");
        Assert.Contains(style, named);
        Assert.Contains(named, href => href.StartsWith("/api/p/"));
        // A preloaded style sheet nobody applies would be a request wasted (and Chromium's warning).
        var styles = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('link[rel=preload][as=style]')].map(l => new URL(l.href).pathname)");
        Assert.NotEmpty(styles);
        foreach (var sheet in styles)
            await page.WaitForFunctionAsync($"() => [...document.styleSheets].some(s => s.href && new URL(s.href).pathname === '{sheet}' && s.cssRules.length > 0)");
        // The page's own state request took the preloaded answer: a preload it did not use would be a second request.
        foreach (var href in named)
            Assert.True(asked.Count(a => a == $"GET {href}") == 1, $"{href} was fetched {asked.Count(a => a == $"GET {href}")} times: {string.Join(", ", asked)}");
    }

    private static readonly System.Text.RegularExpressions.Regex[] Needed =
    [
        new(@"^/lib/participant/map-[A-Z0-9]{8}\.js$"),
        new(@"^/lib/participant/leaflet-src\.esm-[A-Z0-9]{8}\.js$"),
        new(@"^/lib/leaflet/leaflet\.css$"),
        new(@"^/css/map\.css$"),
    ];

    private Task<string> MapLink() => FirstTaskLink("gallup-map");

    /// <summary>The link of a new session at its first task (consent and instructions done in another browser).</summary>
    private async Task<string> FirstTaskLink(string experiment)
    {
        await using var first = await fixture.NewContext();
        return (await first.OpenFirstTask(experiment)).Url;
    }
}
