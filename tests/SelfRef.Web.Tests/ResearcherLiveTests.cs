using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public class ResearcherLiveTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<string> LoginCookie() => _factory.LoginCookie();

    private HubConnection Hub(string? cookie) => new HubConnectionBuilder()
        .WithUrl(new Uri(_factory.Server.BaseAddress, "/hubs/researcher"), options =>
        {
            options.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
            options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            if (cookie is not null) options.Headers["Cookie"] = cookie;
        })
        .Build();

    [Fact]
    public async Task A_researcher_watching_an_experiment_hears_of_new_participants_without_polling()
    {
        await using var hub = Hub(await LoginCookie());
        var changed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string>("experimentChanged", id => changed.TrySetResult(id));
        await hub.StartAsync();
        await hub.InvokeAsync("Watch", "gallup-map");

        var token = await _factory.Start("gallup-map");
        Assert.Equal("gallup-map", await changed.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        var again = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string>("experimentChanged", id => again.TrySetResult(id));
        await _factory.Advance(token, "consent");
        Assert.Equal("gallup-map", await again.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_researcher_hub_refuses_an_anonymous_caller()
    {
        await using var hub = Hub(cookie: null);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
        Assert.Contains("401", error.Message);
    }

    [Fact]
    public async Task Watching_an_unknown_experiment_is_refused()
    {
        await using var hub = Hub(await LoginCookie());
        await hub.StartAsync();
        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync("Watch", "nope"));
        Assert.Contains("no experiment 'nope'", error.Message);
    }
}
