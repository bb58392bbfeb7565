using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Storage;
using SelfRef.Fault.Tests.Support;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Issue 7, fault (b): every participant's network drops at random moments (a proxy between
/// clients and server cuts each connection after a seeded random lifetime, by reset or close,
/// mid-batch or mid-acknowledgement). Clients reconnect, learn the durable number and re-send.
/// The clients stream until the proxy has cut a number of connections and they have reconnected
/// a number of times, however long that takes on a busy machine; the window's duration is only
/// the limit that catches a hang.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class NetworkDropTests(ITestOutputHelper output)
{
    private const int CutsWanted = 400, ReconnectsWanted = 200;

    [Fact]
    public async Task Connections_cut_at_random_moments_lose_and_duplicate_no_event()
    {
        // 200 clients start their sessions from this one machine: the start limit per address is off.
        await using var factory = new SelfRefFactory { Settings = { ["SelfRef:StartsPerAddress"] = "0" } };
        var server = new Uri(factory.StartOnKestrel());
        await using var proxy = new FlakyProxy(server, seed: 7, minLife: TimeSpan.FromMilliseconds(150), maxLife: TimeSpan.FromMilliseconds(1500));

        var result = await LoadGenerator.RunAsync(new LoadOptions
        {
            BaseUrl = proxy.Url,
            Clients = 200,
            EventsPerSecond = 20,
            BatchInterval = TimeSpan.FromMilliseconds(200),
            Duration = TimeSpan.FromMinutes(3),
            Until = p => proxy.Dropped >= CutsWanted && p.Reconnects >= ReconnectsWanted,
            SetupConcurrency = 32,
            MaxAttempts = 100,
            RetryDelay = TimeSpan.FromMilliseconds(100),
            AckTimeout = TimeSpan.FromSeconds(10),
            DrainTimeout = TimeSpan.FromSeconds(120),
            ProgressInterval = TimeSpan.FromMilliseconds(100),
            // The network heals when the clients stop producing, so the last batches and the check get through.
            Progress = p => { if (p.Phase != LoadPhase.Load && p.Phase != LoadPhase.Setup) proxy.Dropping = false; },
        });

        output.WriteLine($"proxy: {proxy.Accepted} connections, {proxy.Dropped} cut ({proxy.Resets} by reset); clients: {result.Disconnects} disconnects, " +
            $"{result.Reconnects} reconnects, {result.Retries} re-sends; {result.EventsProduced} events");
        foreach (var (message, count) in result.Errors) output.WriteLine($"{count}× {message}");

        Assert.Equal(200, result.ClientsConnected);
        Assert.True(result.UntilMet, $"within {TimeSpan.FromMinutes(3)} the proxy cut only {proxy.Dropped} connections and clients reconnected {result.Reconnects} times: something hung");
        Assert.True(proxy.Dropped >= CutsWanted, $"the proxy cut only {proxy.Dropped} connections");
        Assert.True(result.Reconnects >= ReconnectsWanted, $"only {result.Reconnects} reconnects: the drops did not hit the streams");
        Assert.DoesNotContain(result.Errors.Keys, e => e.Contains("acknowledged events were lost") || e.Contains("refused by the server") || e.Contains("gave up"));
        Assert.Equal(0, result.EventsLost);
        Assert.True(result.Complete, "not every session could be verified");

        var store = factory.Services.GetRequiredService<IStore>();
        foreach (var outcome in result.Sessions)
        {
            var session = store.FindSessionByToken(outcome.Token);
            Assert.NotNull(session);
            var numbers = store.Events(session.Id).SelectMany(b => b.Events).Select(e => e.N).ToList();
            Assert.Equal(Enumerable.Range(1, (int)outcome.Produced).Select(n => (long)n), numbers);
        }
    }
}
