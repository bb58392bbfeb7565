using SelfRef.Benchmarks;
using SelfRef.Core.Storage;
using SelfRef.Fault.Tests.Support;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// An operator stops the server (SIGTERM, as systemd or a container runtime does) while
/// participants stream: it stops by itself, soon, with exit code 0, and every event it
/// acknowledged is in the file; the participants' browsers send the rest to the next server.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ServerStopTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Server_stopped_with_SIGTERM_while_100_participants_stream_exits_cleanly_keeping_every_acknowledged_event()
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-term-{Guid.NewGuid():N}")).FullName;
        ServerProcess? server = null;
        try
        {
            server = await ServerProcess.Start(Repository.Root, work, configuration: BuildConfiguration.Name);
            var generator = new LoadGenerator(new LoadOptions
            {
                BaseUrl = server.BaseUrl,
                Clients = 100,
                EventsPerSecond = 20,
                BatchInterval = TimeSpan.FromMilliseconds(250),
                Duration = TimeSpan.FromSeconds(4),
                SetupConcurrency = 32,
                // The server is away while it stops, the file is checked and a new one starts (slow on a busy machine): clients keep trying, as a browser's outbox does.
                MaxAttempts = 100,
                RetryDelay = TimeSpan.FromSeconds(1),
                AckTimeout = TimeSpan.FromSeconds(10),
                DrainTimeout = TimeSpan.FromSeconds(180),
            });
            var run = generator.RunAsync();
            while (generator.AcknowledgedNow() is not { Count: 100 } acked || acked.Values.Any(n => n < 10))
            {
                if (run.IsCompleted) { await run; throw new InvalidOperationException("the load run ended before every participant had events acknowledged"); }
                await Task.Delay(50);
            }

            var port = server.Port;
            var (took, exitCode) = await server.Terminate(hangLimit: TimeSpan.FromSeconds(60));
            var acknowledgedAtStop = generator.AcknowledgedNow();
            output.WriteLine($"SIGTERM to exit: {took.TotalSeconds:0.00} s, exit code {exitCode?.ToString() ?? "none (killed)"}; {acknowledgedAtStop.Values.Sum()} events acknowledged by then");
            Assert.True(exitCode is not null, "the server did not stop on SIGTERM (it had to be killed)");
            Assert.Equal(0, exitCode);
            await server.DisposeAsync();

            // Every event acknowledged before the stop is in the file.
            using (var store = new LiteDbStore(Path.Combine(work, "bench.db")))
                foreach (var (token, acknowledged) in acknowledgedAtStop)
                {
                    var session = store.FindSessionByToken(token);
                    Assert.NotNull(session);
                    Assert.True(store.DurableSeq(session.Id) >= acknowledged, $"a session had {acknowledged} events acknowledged, the file holds {store.DurableSeq(session.Id)}");
                }

            // The browsers deliver the rest to the next server, each event once.
            server = await ServerProcess.Start(Repository.Root, work, port, BuildConfiguration.Name);
            var result = await run;
            foreach (var (message, count) in result.Errors) output.WriteLine($"{count}× {message}");
            Assert.DoesNotContain(result.Errors.Keys, e => e.Contains("acknowledged events were lost") || e.Contains("refused by the server"));
            Assert.Equal(0, result.EventsLost);
            Assert.True(result.Complete, "not every session could be verified after the restart");
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }
}
