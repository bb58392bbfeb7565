using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Benchmarks;
using SelfRef.Fault.Tests.Support;
using SelfRef.Tests.Support;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Two server processes sharing one Redis (issue 17, item 2): what Redis alone carries between
/// instances, each instance here keeping its own LiteDB file. A researcher page connected to
/// instance A hears of participants on instance B (SignalR's backplane), and a form instance A
/// served is accepted by instance B (the Data Protection keys are shared).
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class BackplaneTests : IAsyncLifetime
{
    private const string Password = "backplane-test-password";

    private readonly string _work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-backplane-{Guid.NewGuid():N}")).FullName;
    private RedisServer _redis = null!;
    private ServerProcess _a = null!, _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.Start();
        var settings = new ServerSettings
        {
            Environment = new Dictionary<string, string> { ["SelfRef__Redis"] = _redis.Address, ["SelfRef__ResearcherPassword"] = Password },
        };
        _a = await ServerProcess.Start(Repository.Root, Directory.CreateDirectory(Path.Combine(_work, "a")).FullName, configuration: BuildConfiguration.Name, settings: settings);
        _b = await ServerProcess.Start(Repository.Root, Directory.CreateDirectory(Path.Combine(_work, "b")).FullName, configuration: BuildConfiguration.Name, settings: settings);
    }

    public async Task DisposeAsync()
    {
        if (_a is not null) await _a.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_researcher_watching_on_instance_A_sees_participants_who_start_on_instance_B_live()
    {
        var (status, cookie) = await Login(formFrom: _a.BaseUrl, postTo: _a.BaseUrl);
        Assert.Equal(HttpStatusCode.Redirect, status);
        var started = new List<int>();
        await using var dashboard = new HubConnectionBuilder()
            .WithUrl(new Uri(_a.BaseUrl, "/hubs/researcher"), o => o.Headers["Cookie"] = cookie!)
            .Build();
        dashboard.On<JsonElement>("progress", snapshot =>
        {
            if (snapshot.GetProperty("experiment").GetString() != "gallup-pen") return;
            lock (started) started.Add(snapshot.GetProperty("counts").GetProperty("started").GetInt32());
        });
        await dashboard.StartAsync();
        var now = await dashboard.InvokeAsync<JsonElement>("Watch", "gallup-pen");
        Assert.Equal(0, now[0].GetProperty("counts").GetProperty("started").GetInt32());

        // Three participants arrive at instance B only: instance A's own store never sees them, so
        // only B's progress, carried by Redis, can tell A's watcher of three.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _b.BaseUrl };
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("/s/gallup-pen");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        var heard = await Eventually(() => { lock (started) return started.Contains(3); });
        Assert.True(heard, $"the dashboard on instance A never heard of the 3 participants on instance B (it heard: {string.Join(", ", started)})");
    }

    [Fact]
    public async Task A_login_form_served_by_instance_A_is_accepted_by_instance_B()
    {
        var (status, cookie) = await Login(formFrom: _a.BaseUrl, postTo: _b.BaseUrl);
        // Without shared keys, B cannot read A's antiforgery token and answers 400 Bad Request.
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.NotNull(cookie);
    }

    private static Task<(HttpStatusCode Status, string? Cookie)> Login(Uri formFrom, Uri postTo) => ResearcherLogin.Post(formFrom, postTo, Password);

    /// <summary>Polls until the condition holds; the limit only catches a hang, never a slow machine's pace.</summary>
    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!condition())
        {
            if (DateTime.UtcNow > limit) return false;
            await Task.Delay(100);
        }
        return true;
    }
}
