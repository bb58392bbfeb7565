using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
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

    /// <summary>
    /// Every event the page produced is stored once, in order. Read when page and store agree: the
    /// page may log another event (a view, a focus on the next step) between reading what it
    /// produced and what is stored, so the reads are repeated until they stand still (a lost or
    /// doubled event never does).
    /// </summary>
    /// <param name="stream">the page's stream, when the session has several (tabs).</param>
    public static async Task AssertEveryEventStoredOnce(this BrowserFixture fixture, IPage page, string? stream = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.AllSaved();
            var produced = await page.Produced();
            var stored = stream is null ? fixture.StoredNumbers(page)
                : fixture.Server.Store.Events(fixture.Session(page).Id).Where(b => b.Stream == stream).SelectMany(b => b.Events).Select(e => e.N).ToList();
            var stillProduced = await page.Produced() == produced && stored.Count == produced;
            if (stillProduced || attempt == 20)
            {
                Assert.Equal(Enumerable.Range(1, (int)produced).Select(n => (long)n), stored);
                return;
            }
            await Task.Delay(100);
        }
    }

    public static IReadOnlyList<string> StoredTypes(this BrowserFixture fixture, IPage page) =>
        fixture.Server.Store.Events(fixture.Session(page).Id).SelectMany(b => b.Events).Select(e => e.Type).ToList();

    /// <summary>A step's events as derivation reads them: every tab and page load on the clock of the step's first onset.</summary>
    public static IReadOnlyList<StoredEvent> Timeline(this BrowserFixture fixture, IPage page, string stepId) =>
        StepEvents.Of(fixture.Server.Store.Events(fixture.Session(page).Id), stepId);

    /// <summary>The outcome the server derives for a task step from what is stored now (as when the participant leaves it).</summary>
    public static TaskOutcome DerivedOutcome(this BrowserFixture fixture, IPage page, string stepId)
    {
        var session = fixture.Session(page);
        var experiment = fixture.Server.Services.GetRequiredService<SessionService>().Experiment(session.ExperimentId)!;
        var step = experiment.Step(stepId);
        return fixture.Server.Services.GetRequiredService<OutcomeDeriver>()
            .DeriveOne(StepTypes.TaskOf(step)!, new TaskEvidence(experiment, session, step, fixture.Timeline(page, stepId), []));
    }
}
