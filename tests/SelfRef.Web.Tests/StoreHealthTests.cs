using System.Net;
using System.Reflection;
using System.Text.Json;
using LiteDB;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using SelfRef.Core.Storage;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>A store that cannot write is seen at once and stops the server, instead of taking work it cannot keep.</summary>
public class StoreHealthTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _factory.DeleteDatabase();
    }

    [Fact]
    public async Task Health_writes_and_reads_the_store_and_names_no_file()
    {
        var response = await _factory.Browser().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("ok", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain(Path.GetFileName(_factory.DatabasePath), body);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), body);
    }

    [Fact]
    public async Task When_the_database_closes_under_the_server_health_says_so_writes_fail_at_once_and_the_server_stops()
    {
        var token = await _factory.Start();
        await using var hub = await _factory.Hub(token);
        Assert.Equal(4, await hub.Append(token, Participants.Batch(1, 4)));
        var lifetime = _factory.Services.GetRequiredService<IHostApplicationLifetime>();

        // What LiteDB's Rebuild did when it failed: the engine closed under the running server.
        var store = (LiteDbStore)_factory.Store;
        ((LiteDatabase)typeof(LiteDbStore).GetField("_db", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(store)!).Dispose();

        // A participant's next batch gets an error, not silence (the limit only catches a hang).
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.Append(token, Participants.Batch(5, 4)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain(_factory.DatabasePath, refused.Message);
        Assert.NotNull(store.Failure);
        Assert.True(lifetime.ApplicationStopping.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the server kept running on a store that cannot write");
        var health = await _factory.Browser().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.DoesNotContain(_factory.DatabasePath, await health.Content.ReadAsStringAsync());
    }
}
