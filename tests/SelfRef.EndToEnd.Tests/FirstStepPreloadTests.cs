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
        await page.GotoAsync(link, new() { WaitUntil = WaitUntilState.Commit });
        try
        {
            await stateHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // A limit that only catches a page that never asks: with preloads all are asked for at once.
            await Task.WhenAny(everything.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        }
        finally { release.TrySetResult(); }

        Assert.True(everything.Task.IsCompleted,
            $"with the session's state held back the browser did not ask for all of the map step's chunk, Leaflet's chunk and the step's style sheets (they wait for the state, a round trip each): asked {string.Join(", ", asked.Distinct())}");
        await page.MapShown();
    }

    [Fact]
    public async Task Every_file_the_page_names_ahead_is_used_and_the_state_and_each_file_are_fetched_once()
    {
        var link = await MapLink();
        await using var context = await fixture.NewContext(phone: true);
        var asked = new ConcurrentQueue<string>();
        context.Request += (_, request) => asked.Enqueue($"{request.Method} {new Uri(request.Url).PathAndQuery}");
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue(message.Text);
        await page.GotoAsync(link);
        await page.MapShown();
        // Chromium warns about a preload not used within 3 s of the page's load event.
        await page.WaitForTimeoutAsync(4000);

        var named = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('link[rel=modulepreload], link[rel=preload]')].map(l => new URL(l.href).pathname + new URL(l.href).search)");
        Assert.Contains(named, href => href.StartsWith("/lib/participant/leaflet-src.esm-"));
        Assert.Contains(named, href => href.StartsWith("/api/p/"));
        Assert.Contains("/lib/leaflet/leaflet.css", named);
        Assert.DoesNotContain(console, text => text.Contains("preload", StringComparison.OrdinalIgnoreCase));
        foreach (var href in named)
            Assert.True(asked.Count(a => a == $"GET {href}") == 1, $"{href} was fetched {asked.Count(a => a == $"GET {href}")} times: {string.Join(", ", asked)}");
        Assert.True(await page.EvaluateAsync<bool>("() => getComputedStyle(document.querySelector('.leaflet-container')).overflow === 'hidden'"),
            "Leaflet's style sheet does not apply to the map (a preload is not a style sheet)");
    }

    private static readonly System.Text.RegularExpressions.Regex[] Needed =
    [
        new(@"^/lib/participant/map-[A-Z0-9]{8}\.js$"),
        new(@"^/lib/participant/leaflet-src\.esm-[A-Z0-9]{8}\.js$"),
        new(@"^/lib/leaflet/leaflet\.css$"),
        new(@"^/css/map\.css$"),
    ];

    /// <summary>The link of a new session at its map step (consent and instructions done in another browser).</summary>
    private async Task<string> MapLink()
    {
        await using var first = await fixture.NewContext();
        return (await first.OpenFirstTask("gallup-map")).Url;
    }
}
