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

    private sealed record Counts(int Started, int Active, int Completed, int Declined, int Abandoned);
    private sealed record Cell(int Now, int Reached);
    private sealed record Step(string Id, string Type, List<Cell?> Cells);
    private sealed record Recent(string Pseudonym, string Outcome, DateTime At, string Condition);
    private sealed record Progress(string Experiment, string Status, string SetStatus, int Target, Counts Counts, List<string> Conditions, List<Step> Steps, List<Recent> Recent);

    [Fact]
    public async Task The_hub_pushes_the_dashboards_numbers_themselves()
    {
        await using var hub = Hub(await LoginCookie());
        var received = new List<Progress>();
        var declined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<Progress>("progress", p =>
        {
            lock (received) received.Add(p);
            if (p.Experiment == "gallup-replication" && p.Counts.Declined == 1) declined.TrySetResult();
        });
        await hub.StartAsync();
        var now = await hub.InvokeAsync<List<Progress>>("Watch", "*");
        Assert.Equal(Directory.GetFiles(_factory.ExperimentsFolder, "*.json").Where(f => !f.EndsWith(".schema.json"))
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal), now.Select(p => p.Experiment));
        Assert.All(now, p => Assert.Equal(new Counts(0, 0, 0, 0, 0), p.Counts));

        var walker = await _factory.Start("gallup-replication");
        await _factory.Advance(walker, "consent");
        var decliner = await _factory.Start("gallup-replication");
        var refusal = await _factory.Browser().PostAsync($"/api/p/{decliner}/decline", null);
        Assert.True(refusal.IsSuccessStatusCode);
        await declined.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Progress last;
        lock (received) last = received.Last(p => p.Experiment == "gallup-replication");
        Assert.Equal(new Counts(2, 1, 0, 1, 0), last.Counts);
        Assert.Equal("open", last.Status);
        Assert.Equal(["pen-first", "map-first"], last.Conditions);
        var walkerSession = _factory.Services.GetRequiredService<SelfRef.Core.Sessions.SessionService>().Find(walker)!;
        var column = last.Conditions.IndexOf(walkerSession.ConditionId);
        Assert.Equal(new Cell(1, 1), last.Steps.Single(s => s.Id == "intro").Cells[column]);
        Assert.Equal(new Cell(0, 1), last.Steps.Single(s => s.Id == "consent").Cells[column]);
        var drop = Assert.Single(last.Recent);
        Assert.Equal("declined", drop.Outcome);
        Assert.StartsWith("P-", drop.Pseudonym);
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
