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
    // Holds the host's stop between the moment it begins (ApplicationStopping) and the moment it
    // stops the server and disposes the services: the window in which a real server still drains
    // its open requests and a supervisor's probe can still reach /healthz. Without the hold, a
    // request sent after "stopping" races the program's own thread disposing the services (500).
    private readonly HeldStop _hold = new();
    private readonly SelfRefFactory _factory;

    public StoreHealthTests() => _factory = new SelfRefFactory { ExtraServices = services => services.AddSingleton<IHostedService>(_hold) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _hold.Release();
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

        // The server pauses before it stops so that refusals reach their senders; on a busy machine
        // the pause could run out before this reply is written. Stopping runs the callbacks last
        // registered first, so this one holds the stop (before SignalR closes the connections)
        // until the reply is here: the test sees the refusal whatever the machine's pace.
        var replied = new ManualResetEventSlim();
        using var holdStopUntilReplied = lifetime.ApplicationStopping.Register(() => replied.Wait(TimeSpan.FromSeconds(60)));

        // What LiteDB's Rebuild did when it failed: the engine closed under the running server.
        var store = (LiteDbStore)_factory.Store;
        ((LiteDatabase)typeof(LiteDbStore).GetField("_db", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(store)!).Dispose();

        // A participant's next batch gets an error, not silence (the limit only catches a hang).
        var refused = await Assert.ThrowsAsync<HubException>(async () =>
        {
            try { await hub.Append(token, Participants.Batch(5, 4)).WaitAsync(TimeSpan.FromSeconds(60)); }
            finally { replied.Set(); }
        });
        Assert.DoesNotContain(_factory.DatabasePath, refused.Message);
        Assert.NotNull(store.Failure);
        Assert.True(lifetime.ApplicationStopping.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the server kept running on a store that cannot write");
        await _hold.Reached.WaitAsync(TimeSpan.FromSeconds(60)); // throws when the host never begins to stop
        var health = await _factory.Browser().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.DoesNotContain(_factory.DatabasePath, await health.Content.ReadAsStringAsync());
    }

    /// <summary>A hosted service stopped before the web server (hosted services stop in reverse order of registration) that waits to be released.</summary>
    private sealed class HeldStop : IHostedService
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<HeldStop> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<HeldStop> Reached => _reached.Task;
        public void Release() => _released.TrySetResult();
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            _reached.TrySetResult(this);
            // Not cut short by the host's 5 s shutdown timeout, which a busy machine could reach
            // before the test's request; the limit only catches a test that never releases it.
            try { await _released.Task.WaitAsync(TimeSpan.FromSeconds(120), CancellationToken.None); }
            catch (TimeoutException) { }
        }
    }
}
