using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests.Support;

public static class PageExtensions
{
    public static string Token(this IPage page) => new Uri(page.Url).AbsolutePath.Split('/')[2];

    public static Session Session(this BrowserFixture fixture, IPage page) =>
        fixture.Server.Services.GetRequiredService<SessionService>().Find(page.Token())!;

    /// <summary>Events the page has produced (its outbox numbers them 1, 2, …).</summary>
    public static async Task<long> Produced(this IPage page) => await page.EvaluateAsync<long>("() => window.selfref.outbox.next - 1");

    public static async Task<int> Pending(this IPage page) => await page.EvaluateAsync<int>("() => window.selfref.outbox.pending");

    /// <summary>Waits until the server has acknowledged every event the page produced.</summary>
    public static Task AllSaved(this IPage page, float timeoutMs = 20_000) =>
        page.WaitForFunctionAsync("() => window.selfref && window.selfref.outbox.pending === 0 && window.selfref.outbox.acknowledged === window.selfref.outbox.next - 1",
            null, new PageWaitForFunctionOptions { Timeout = timeoutMs });

    /// <summary>The event numbers stored for the page's session, in order (a single tab's stream).</summary>
    public static IReadOnlyList<long> StoredNumbers(this BrowserFixture fixture, IPage page) =>
        fixture.Server.Store.Events(fixture.Session(page).Id).SelectMany(b => b.Events).Select(e => e.N).ToList();

    public static IReadOnlyList<string> StoredTypes(this BrowserFixture fixture, IPage page) =>
        fixture.Server.Store.Events(fixture.Session(page).Id).SelectMany(b => b.Events).Select(e => e.Type).ToList();
}
