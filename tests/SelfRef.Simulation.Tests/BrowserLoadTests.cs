using SelfRef.Core.Gazetteer;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Simulation.Tests;

/// <summary>
/// The browser-shaped load against the real server on a loopback socket: participants walk the
/// whole experiment with second tabs, reloads and withdrawals, and the server keeps exactly what
/// it acknowledged of everybody who stayed and nothing of anybody who withdrew.
/// </summary>
public sealed class BrowserLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Every visit starts its session from this one machine: the start limit per address is off.
    private readonly SelfRefFactory _factory = new() { Settings = { ["SelfRef:StartsPerAddress"] = "0" } };
    private Uri _baseUrl = null!;

    public Task InitializeAsync()
    {
        _baseUrl = new Uri(_factory.StartOnKestrel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Participants_with_second_tabs_reloads_and_withdrawals_lose_nothing_acknowledged_and_withdrawn_sessions_are_gone()
    {
        var result = await BrowserLoadGenerator.RunAsync(new BrowserLoadOptions
        {
            BaseUrl = _baseUrl,
            ExperimentId = "gallup-replication",
            Clients = 10,
            Ramp = TimeSpan.FromSeconds(1),
            PauseScale = 0.05,
            SecondTabShare = 0.5,
            ReloadShare = 0.3,
            WithdrawEvery = TimeSpan.FromSeconds(4),
            // Runs until each thing happened a few times; the duration only catches a hang.
            Duration = TimeSpan.FromMinutes(4),
            Until = p => p.Browser is { Completed: >= 3, Withdrawals: >= 2, Reloads: >= 2, SecondTabs: >= 1 },
        }, GazetteerFile.Shared(GazetteerFile.Locate()));

        output.WriteLine($"{result.Visits.Count} visits in {result.LoadTime.TotalSeconds:F1} s: {result.Count(VisitEnd.Completed)} completed, {result.Count(VisitEnd.Withdrawn)} withdrawn, " +
            $"{result.Count(VisitEnd.Declined)} declined, {result.Count(VisitEnd.DroppedOut)} left, {result.Count(VisitEnd.Unfinished)} unfinished; {result.Reloads} reloads " +
            $"({result.ReloadsAfterStoredBatch} after a stored batch), {result.SecondTabs} second tabs; {result.EventsProduced} events in {result.BatchesAcknowledged} batches ({result.EventsPerBatch:F2} per batch)");
        foreach (var (message, count) in result.Errors) output.WriteLine($"{count}× {message}");

        Assert.True(result.UntilMet, "the run reached its limit before every kind of visit had happened: the server or the generator hung");
        Assert.Empty(result.Errors);
        Assert.Equal(0, result.Count(VisitEnd.Failed));
        Assert.Equal(0, result.EventsUnacknowledged);
        Assert.Contains(result.Visits, v => v.Kept && v.Streams.Count == 2);

        // What the store holds: of each tab of a kept session exactly the events it had acknowledged, once each, in order; of a withdrawn session nothing.
        var store = _factory.Store;
        var types = new HashSet<string>();
        foreach (var visit in result.Visits.Where(v => v.Token is not null))
        {
            var session = store.FindSessionByToken(visit.Token!);
            if (visit.End == VisitEnd.Withdrawn)
            {
                Assert.Null(session);
                continue;
            }
            Assert.NotNull(session);
            var batches = store.Events(session.Id);
            foreach (var stream in visit.Streams)
            {
                var numbers = batches.Where(b => b.Stream == stream.Stream).SelectMany(b => b.Events).Select(e => e.N).ToList();
                if (visit.End == VisitEnd.Declined)
                {
                    Assert.Empty(numbers);
                    continue;
                }
                Assert.Equal(stream.Produced - stream.Dropped, stream.Acknowledged);
                Assert.Equal(LongRange(1, stream.Acknowledged), numbers);
            }
            types.UnionWith(batches.SelectMany(b => b.Events).Select(e => e.Type));
        }
        // The task modules' own events, at their own pace: points per frame while drawing, a view per frame while the map moves.
        Assert.Contains("pen.points", types);
        Assert.Contains("map.view", types);
        Assert.Contains("step.onset", types);

        // The same asked from outside, as the benchmark asks a restarted server.
        var check = await BrowserCheck.Run(_baseUrl, result.Visits);
        Assert.True(check.Clean, $"lost {check.EventsLost} in {check.StreamsShort} streams, {check.WithdrawnStillKnown} withdrawn sessions still known, " +
            $"{check.DeclinedWithEvents} declined streams with events, problems: {string.Join("; ", check.Problems.Keys)}");
        Assert.Equal(check.EventsAcknowledged, check.EventsDurable);
    }

    private static IEnumerable<long> LongRange(long first, long last)
    {
        for (var n = first; n <= last; n++) yield return n;
    }
}
