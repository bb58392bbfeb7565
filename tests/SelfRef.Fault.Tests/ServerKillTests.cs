using SelfRef.Benchmarks;
using SelfRef.Core.Storage;
using SelfRef.Fault.Tests.Support;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Issue 7, fault (a): the server process dies by SIGKILL while participants stream, and is
/// started again on the same address and database. Scaled down from the full run only in
/// time; the 200 clients are the issue's. The clients stream until every one has had events
/// acknowledged before the kill and again after the restart, however long the restart takes on
/// a busy machine; the window's duration is only the limit that catches a hang.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ServerKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Server_killed_while_200_participants_stream_restarts_and_every_acknowledged_and_later_event_is_stored_exactly_once()
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-kill-{Guid.NewGuid():N}")).FullName;
        ServerProcess? server = null;
        try
        {
            server = await ServerProcess.Start(Repository.Root, work, configuration: BuildConfiguration.Name);
            IReadOnlyDictionary<string, long>? acknowledgedAtKill = null;
            LoadGenerator generator = null!;
            generator = new LoadGenerator(new LoadOptions
            {
                BaseUrl = server.BaseUrl,
                Clients = 200,
                EventsPerSecond = 20,
                BatchInterval = TimeSpan.FromMilliseconds(200),
                Duration = TimeSpan.FromMinutes(3),
                // Until every participant has had events acknowledged by the restarted server too.
                Until = _ => Volatile.Read(ref acknowledgedAtKill) is { } killed && AllBeyond(generator.AcknowledgedNow(), killed, AcknowledgedWanted),
                SetupConcurrency = 32,
                // The server is away while it restarts: clients keep trying, as a browser's outbox does.
                MaxAttempts = 100,
                RetryDelay = TimeSpan.FromMilliseconds(300),
                AckTimeout = TimeSpan.FromSeconds(10),
                DrainTimeout = TimeSpan.FromSeconds(120),
            });
            var run = generator.RunAsync();

            // Kill once every participant has had events acknowledged, so each has some at stake.
            await LoadRuns.Until(() => generator.AcknowledgedNow() is { Count: 200 } acked && acked.Values.All(n => n >= AcknowledgedWanted), run);
            var port = server.Port;
            await server.Kill();
            var atKill = generator.AcknowledgedNow();
            await server.DisposeAsync();
            server = await ServerProcess.Start(Repository.Root, work, port, BuildConfiguration.Name);
            Volatile.Write(ref acknowledgedAtKill, atKill);

            var result = await run;
            Assert.True(result.UntilMet, $"within {TimeSpan.FromMinutes(3)} not every participant had {AcknowledgedWanted} events acknowledged after the restart: something hung");
            output.WriteLine($"acknowledged before the kill: {atKill.Values.Sum()} events; produced in all: {result.EventsProduced}; " +
                $"disconnects {result.Disconnects}, reconnects {result.Reconnects}, retries {result.Retries}");
            foreach (var (message, count) in result.Errors) output.WriteLine($"{count}× {message}");

            Assert.Equal(200, result.ClientsConnected);
            Assert.True(result.Reconnects >= 200, $"only {result.Reconnects} reconnects: the kill did not reach every participant");
            Assert.DoesNotContain(result.Errors.Keys, e => e.Contains("acknowledged events were lost") || e.Contains("refused by the server") || e.Contains("gave up"));
            Assert.Equal(0, result.EventsLost);
            Assert.True(result.Complete, "not every session could be verified after the restart");

            await server.DisposeAsync();
            server = null;
            using var store = new LiteDbStore(Path.Combine(work, "bench.db"));
            long stored = 0;
            foreach (var outcome in result.Sessions)
            {
                var session = store.FindSessionByToken(outcome.Token);
                Assert.NotNull(session);
                var numbers = store.Events(session.Id).SelectMany(b => b.Events).Select(e => e.N).ToList();
                var before = atKill[outcome.Token];
                Assert.True(outcome.Produced > before, $"session produced nothing after the kill ({outcome.Produced} events, {before} acknowledged before)");
                // Every event acknowledged before the kill and every event produced after: 1..produced, each once.
                Assert.Equal(LoadRuns.LongRange(1, outcome.Produced), numbers);
                stored += numbers.Count;
            }
            Assert.Equal(result.EventsProduced, stored);
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private const int AcknowledgedWanted = 10;

    /// <summary>Every participant has at least <paramref name="more"/> events acknowledged beyond <paramref name="before"/>.</summary>
    private static bool AllBeyond(IReadOnlyDictionary<string, long> now, IReadOnlyDictionary<string, long> before, long more) =>
        before.All(b => now.TryGetValue(b.Key, out var n) && n >= b.Value + more);

}
