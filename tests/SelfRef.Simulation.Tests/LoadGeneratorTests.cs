using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Storage;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;

namespace SelfRef.Simulation.Tests;

/// <summary>The load generator against the real server on a loopback socket: nothing it produces may be lost.</summary>
public sealed class LoadGeneratorTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();
    private Uri _baseUrl = null!;

    public Task InitializeAsync()
    {
        _baseUrl = new Uri(_factory.StartOnKestrel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Every_event_of_every_client_is_durable_and_stored_once()
    {
        var result = await LoadGenerator.RunAsync(new LoadOptions
        {
            BaseUrl = _baseUrl,
            Clients = 5,
            EventsPerSecond = 40,
            BatchInterval = TimeSpan.FromMilliseconds(100),
            Duration = TimeSpan.FromSeconds(2),
            DrainTimeout = TimeSpan.FromSeconds(30),
        });

        Assert.Empty(result.Errors);
        Assert.Equal(5, result.SessionsStarted);
        Assert.Equal(5, result.ClientsConnected);
        Assert.All(result.Sessions, s => Assert.True(s.Produced >= 40, $"session produced only {s.Produced} events"));
        Assert.Equal(0, result.EventsLost);
        Assert.Equal(0, result.SessionsUnverified);
        Assert.True(result.Complete);
        Assert.Equal(result.EventsProduced, result.EventsAcknowledged);
        Assert.Equal(result.EventsProduced, result.EventsDurable);

        var store = _factory.Services.GetRequiredService<IStore>();
        foreach (var outcome in result.Sessions)
        {
            var session = store.FindSessionByToken(outcome.Token);
            Assert.NotNull(session);
            var numbers = store.Events(session.Id).SelectMany(b => b.Events).Select(e => e.N).ToList();
            Assert.Equal(Enumerable.Range(1, (int)outcome.Produced).Select(n => (long)n), numbers);
            Assert.Equal(outcome.Produced, outcome.Durable);
        }
    }

    [Fact]
    public async Task A_window_given_a_condition_ends_once_it_is_met_and_still_loses_nothing()
    {
        var result = await LoadGenerator.RunAsync(new LoadOptions
        {
            BaseUrl = _baseUrl,
            Clients = 3,
            EventsPerSecond = 40,
            BatchInterval = TimeSpan.FromMilliseconds(100),
            // Only the limit that catches a hang: the window ends when 150 events are acknowledged.
            Duration = TimeSpan.FromMinutes(5),
            Until = p => p.Acknowledged >= 150,
        });

        Assert.True(result.UntilMet);
        Assert.Empty(result.Errors);
        Assert.True(result.EventsAcknowledged >= 150);
        Assert.True(result.Complete);
        Assert.Equal(result.EventsProduced, result.EventsDurable);
    }

    [Fact]
    public async Task Saturation_mode_sends_as_fast_as_acknowledgements_return_and_loses_nothing()
    {
        var result = await LoadGenerator.RunAsync(new LoadOptions
        {
            BaseUrl = _baseUrl,
            Clients = 3,
            Mode = LoadMode.Saturation,
            SaturationBatchSize = 10,
            PrimeSessions = true,
            Duration = TimeSpan.FromSeconds(1),
        });

        Assert.Empty(result.Errors);
        Assert.True(result.Complete);
        Assert.Equal(3, result.FirstBatchLatency.Count);
        Assert.All(result.Sessions, s => Assert.Equal(1, s.Produced % 10));
        Assert.Equal(result.EventsProduced, result.EventsDurable);
    }

    [Fact]
    public async Task With_two_instances_the_clients_go_half_and_half_each_instance_stores_its_own_and_the_figures_count_both()
    {
        // A second server with a store of its own: what each stores shows which clients talked to it.
        await using var other = new SelfRefFactory();
        var otherUrl = new Uri(other.StartOnKestrel());
        var result = await LoadGenerator.RunAsync(new LoadOptions
        {
            BaseUrl = _baseUrl,
            OtherInstances = [otherUrl],
            Clients = 6,
            EventsPerSecond = 40,
            BatchInterval = TimeSpan.FromMilliseconds(100),
            // Only the limit that catches a hang: the window ends when 300 events are acknowledged.
            Duration = TimeSpan.FromMinutes(5),
            Until = p => p.Acknowledged >= 300,
        });

        Assert.Empty(result.Errors);
        Assert.True(result.Complete);
        Assert.Equal([_baseUrl, otherUrl], result.PerInstance.Select(i => i.BaseUrl));
        Assert.All(result.PerInstance, i => Assert.Equal(3, i.Sessions));
        Assert.Equal(result.EventsAcknowledged, result.PerInstance.Sum(i => i.EventsAcknowledged));
        Assert.Equal(result.AckLatency.Count, result.PerInstance.Sum(i => i.AckLatency.Count));
        Assert.All(result.PerInstance, i => Assert.True(i.AckLatency.Count > 0));

        var stores = new[] { _factory.Services.GetRequiredService<IStore>(), other.Services.GetRequiredService<IStore>() };
        foreach (var (outcome, index) in result.Sessions.Select((o, i) => (o, i)))
        {
            // Sessions are in client order: client i talked to instance i mod 2 only.
            var own = stores[index % 2];
            var session = own.FindSessionByToken(outcome.Token);
            Assert.NotNull(session);
            Assert.Null(stores[1 - index % 2].FindSessionByToken(outcome.Token));
            Assert.Equal(outcome.Produced, own.Events(session.Id).SelectMany(b => b.Events).LongCount());
        }
        Assert.Equal(result.PerInstance[0].EventsAcknowledged, result.Sessions.Where((_, i) => i % 2 == 0).Sum(s => s.Acknowledged));
    }

    [Fact]
    public void Two_instances_at_the_same_address_are_refused()
    {
        var options = new LoadOptions { BaseUrl = _baseUrl, OtherInstances = [_baseUrl] };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("each instance's address must be given once", error.Message);
    }
}
