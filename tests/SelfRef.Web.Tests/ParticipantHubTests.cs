using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public class ParticipantHubTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private string SessionId(string token) => _factory.Services.GetService<SessionService>()!.Find(token)!.Id;

    [Fact]
    public async Task A_batch_is_acknowledged_with_its_highest_durable_event_number()
    {
        var token = await _factory.Start();
        await using var hub = await _factory.Hub(token);
        Assert.Equal(5, await hub.Append(token, Participants.Batch(1, 5)));
        Assert.Equal(8, await hub.Append(token, Participants.Batch(6, 3)));
        Assert.Equal(8, await hub.InvokeAsync<long>("Durable", token));
        Assert.Equal(8, _factory.Store.Events(SessionId(token)).Sum(b => b.Events.Count));
    }

    [Fact]
    public async Task The_same_batch_twice_is_stored_once()
    {
        var token = await _factory.Start();
        await using var hub = await _factory.Hub(token);
        await hub.Append(token, Participants.Batch(1, 5));
        Assert.Equal(5, await hub.Append(token, Participants.Batch(1, 5)));
        Assert.Single(_factory.Store.Events(SessionId(token)));
    }

    /// <summary>Each row: what a faulty or hostile client sends, and what the refusal says.</summary>
    public static TheoryData<string, Func<string, string, EventBatch>, string> Refusals => new()
    {
        { "another session's token", (own, other) => Participants.Batch(1, 1), "belongs to another session" },
        { "an oversize batch", (own, _) => Participants.Batch(1, BatchRules.MaxEvents + 1), "too many events" },
        { "a malformed event", (own, _) => new EventBatch(1, "consent", [new ClientEvent(1, "Not A Type!", null)]), "events[0].type" },
        { "a sequence gap", (own, _) => Participants.Batch(3, 1), "sequence gap" },
        { "a step not reached", (own, _) => Participants.Batch(1, 1, step: "debrief"), "not reached yet" },
        { "a step of no session", (own, _) => Participants.Batch(1, 1, step: "elsewhere"), "not part of this session" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_bad_batch_is_refused_clearly_and_the_connection_keeps_working(string what, Func<string, string, EventBatch> make, string reason)
    {
        var own = await _factory.Start();
        var other = await _factory.Start();
        await using var hub = await _factory.Hub(own);
        var tokenUsed = what == "another session's token" ? other : own;
        var error = await Assert.ThrowsAsync<HubException>(() => hub.Append(tokenUsed, make(own, other)));
        Assert.Contains(reason, error.Message);
        Assert.Empty(_factory.Store.Events(SessionId(other)));
        Assert.Empty(_factory.Store.Events(SessionId(own)));
        Assert.Equal(HubConnectionState.Connected, hub.State);
        Assert.Equal(2, await hub.Append(own, Participants.Batch(1, 2)));
    }

    [Fact]
    public async Task A_connection_without_a_valid_session_is_closed()
    {
        var hub = new Microsoft.AspNetCore.SignalR.Client.HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "/hubs/participant?session=not-a-token"), o => o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler())
            .Build();
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        try
        {
            await hub.StartAsync();
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception) { /* refused during the handshake is also a closed door */ }
        Assert.NotEqual(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task A_message_beyond_the_size_limit_drops_only_that_connection()
    {
        var token = await _factory.Start();
        var other = await _factory.Start();
        await using var hub = await _factory.Hub(token);
        await using var bystander = await _factory.Hub(other);
        var huge = new EventBatch(1, "consent", [new ClientEvent(0, "x", System.Text.Json.JsonDocument.Parse($$"""{"s":"{{new string('x', 600_000)}}"}""").RootElement.Clone())]);
        await Assert.ThrowsAnyAsync<Exception>(() => hub.Append(token, huge));
        Assert.Empty(_factory.Store.Events(SessionId(token)));
        Assert.Equal(3, await bystander.Append(other, Participants.Batch(1, 3)));
    }

    [Fact]
    public async Task A_declined_session_can_no_longer_send()
    {
        var token = await _factory.Start();
        await using var hub = await _factory.Hub(token);
        await hub.Append(token, Participants.Batch(1, 2));
        var decline = await _factory.Browser().PostAsync($"/api/p/{token}/decline", null);
        decline.EnsureSuccessStatusCode();
        var error = await Assert.ThrowsAsync<HubException>(() => hub.Append(token, Participants.Batch(3, 1)));
        Assert.Contains("consent was declined", error.Message);
        Assert.Empty(_factory.Store.Events(SessionId(token)));
    }
}
