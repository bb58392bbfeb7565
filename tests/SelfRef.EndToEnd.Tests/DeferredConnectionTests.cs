using System.Text.Json;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// The page connects to the server only after it has shown the first step (issue 17.4): what the
/// participant does before is kept and arrives afterwards, complete, in order, with its own times.
/// </summary>
public class DeferredConnectionTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Map_events_logged_before_the_connection_starts_arrive_in_order_with_their_times()
    {
        await using var context = await fixture.NewContext();
        // SignalR's client is held back until the participant has acted on the map.
        var release = new TaskCompletionSource();
        await context.RouteAsync("**/lib/signalr/**", async route => { await release.Task; await route.ContinueAsync(); });
        var page = await context.OpenFirstTask("gallup-map");
        await page.MapShown();

        var (x1, y1) = await page.MapPoint(0.4, 0.5);
        await page.Mouse.ClickAsync(x1, y1);
        await page.WaitForTimeoutAsync(300);
        var (x2, y2) = await page.MapPoint(0.6, 0.4);
        await page.Mouse.ClickAsync(x2, y2);
        await page.WaitForFunctionAsync("() => window.selfref.outbox.pending >= 2");

        Assert.False(await page.EvaluateAsync<bool>("() => 'signalR' in window"), "the connection should not have started yet");
        Assert.DoesNotContain("No connection", await page.Locator("#save-status").TextContentAsync() ?? "");
        var kept = await Kept(page);
        Assert.Equal(2, kept.Count(e => e.Type == "map.click"));
        Assert.Contains(kept, e => e.Type == "step.onset");

        release.SetResult();
        await page.AllSaved(30_000);
        await fixture.AssertEveryEventStoredOnce(page);
        var stored = fixture.Server.Store.Events(fixture.Session(page).Id).SelectMany(b => b.Events).ToDictionary(e => e.N);
        foreach (var e in kept)
        {
            Assert.Equal(e.Type, stored[e.N].Type);
            Assert.Equal(e.T, stored[e.N].T, 3);
        }
        var clicks = kept.Where(e => e.Type == "map.click").Select(e => e.T).ToList();
        Assert.True(clicks[0] < clicks[1], "the clicks keep the order and times they happened in");
    }

    [Fact]
    public async Task The_connection_is_set_up_in_a_later_task_than_the_one_that_evaluates_SignalRs_client()
    {
        await using var context = await fixture.NewContext();
        // When SignalR's script has run (its load event), a timer marks the end of that task; the
        // connection's builder notes whether it is used before.
        await context.AddInitScriptAsync("""
            document.addEventListener('load', event => {
              if (!String(event.target?.src ?? '').includes('/lib/signalr/')) return;
              let sameTask = true;
              setTimeout(() => { sameTask = false; }, 0);
              const build = signalR.HubConnectionBuilder.prototype.build;
              signalR.HubConnectionBuilder.prototype.build = function () { window.__builtInScriptTask = sameTask; return build.call(this); };
            }, true);
            """);
        var page = await context.OpenFirstTask("gallup-map");
        await page.MapShown();
        var (x, y) = await page.MapPoint(0.5, 0.5);
        await page.Mouse.ClickAsync(x, y);
        await page.AllSaved(30_000);

        var builtInScriptTask = await page.EvaluateAsync<string>("() => String(window.__builtInScriptTask)");
        Assert.True(builtInScriptTask == "false", builtInScriptTask == "true"
            ? "the connection was set up in the task that evaluated SignalR's client: on a phone one long task holds the page"
            : "the page never set up a connection with SignalR's client");
        Assert.Contains("map.click", fixture.StoredTypes(page));
    }

    private sealed record KeptEvent(long N, double T, string Type);

    /// <summary>The events this tab keeps unsent (its outbox's copy in localStorage).</summary>
    private static async Task<IReadOnlyList<KeptEvent>> Kept(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>(
            "() => JSON.parse(localStorage.getItem(`selfref.outbox.${location.pathname.split('/')[2]}.${window.selfref.outbox.stream}`)).pending.map(e => ({ n: e.n, t: e.t, type: e.type }))");
        return [.. json.EnumerateArray().Select(e => new KeptEvent(e.GetProperty("n").GetInt64(), e.GetProperty("t").GetDouble(), e.GetProperty("type").GetString()!))];
    }
}
