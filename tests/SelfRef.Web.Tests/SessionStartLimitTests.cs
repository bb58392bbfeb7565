using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>
/// Starting sessions is limited per client address, so a script cannot fill a study with empty
/// sessions, while a class behind one router and every participant resuming their own session
/// get through.
/// </summary>
public class SessionStartLimitTests
{
    private const string Experiment = "gallup-pen";

    private static SelfRefFactory Server(int? perAddress = null, int? perHour = null) => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["SelfRef:StartsPerAddress"] = perAddress?.ToString() ?? "",
            ["SelfRef:StartsPerAddressPerHour"] = perHour?.ToString() ?? "",
        }.Where(s => s.Value != "").ToDictionary(),
        ExtraServices = services => services.AddSingleton<IStartupFilter, PeerAddress>(),
    };

    private static HttpClient From(SelfRefFactory factory, string address, string? language = null)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(PeerAddress.Header, address);
        if (language is not null) client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private static int Sessions(SelfRefFactory factory) => factory.Store.SessionsOf(Experiment).Count;

    [Fact]
    public async Task Many_starts_from_one_address_are_refused_after_the_limit_while_another_address_still_starts()
    {
        // One start given back an hour: nothing comes back while the test runs, however slow the machine.
        await using var factory = Server(perAddress: 5, perHour: 1);
        var crowd = From(factory, "203.0.113.7", "en-GB,en;q=0.9");
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await crowd.GetAsync($"/s/{Experiment}")).StatusCode);

        var refused = await crowd.GetAsync($"/s/{Experiment}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero, "the refusal does not say when to try again (Retry-After)");
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"en\">", page);
        Assert.Contains("Please try again in a moment", page);
        Assert.Contains($"<meta http-equiv=\"refresh\" content=\"{(int)retryAfter!.Value.TotalSeconds}\">", page);
        Assert.Equal("no-store", refused.Headers.CacheControl?.ToString());

        // No session started and no slot taken by the refused request.
        Assert.Equal(5, Sessions(factory));
        Assert.Equal(5, factory.Store.SessionsOf(Experiment).Select(s => s.Slot).Distinct().Count());

        // Someone elsewhere is not held up by the crowd.
        Assert.Equal(HttpStatusCode.Redirect, (await From(factory, "198.51.100.20").GetAsync($"/s/{Experiment}")).StatusCode);
        Assert.Equal(6, Sessions(factory));
    }

    [Fact]
    public async Task The_refusal_page_speaks_the_participants_language()
    {
        await using var factory = Server(perAddress: 1, perHour: 1);
        var browser = From(factory, "203.0.113.7", "de-DE,de;q=0.9,en;q=0.5");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/s/{Experiment}")).StatusCode);
        var refused = await browser.GetAsync($"/s/{Experiment}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"de\">", page);
        Assert.Contains("Bitte versuchen Sie es gleich noch einmal", page);
        Assert.Contains("60 Min.", page);

        var english = await browser.GetAsync($"/s/{Experiment}?lang=en");
        Assert.Contains("Please open the link again in 60 min", WebUtility.HtmlDecode(await english.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_browser_that_resumes_its_session_is_never_limited()
    {
        await using var factory = Server(perAddress: 2, perHour: 1);
        var first = From(factory, "203.0.113.7");
        var started = await first.GetAsync($"/s/{Experiment}");
        var cookie = started.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith($"selfref.{Experiment}=")).Split(';')[0];
        Assert.Equal(HttpStatusCode.Redirect, (await first.GetAsync($"/s/{Experiment}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.GetAsync($"/s/{Experiment}")).StatusCode);

        for (var i = 0; i < 20; i++)
        {
            using var resume = new HttpRequestMessage(HttpMethod.Get, $"/s/{Experiment}");
            resume.Headers.Add("Cookie", cookie);
            var response = await first.SendAsync(resume);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(started.Headers.Location, response.Headers.Location);
        }
        Assert.Equal(2, Sessions(factory));
    }

    [Fact]
    public async Task Links_that_start_nothing_are_not_counted()
    {
        await using var factory = Server(perAddress: 1, perHour: 1);
        var browser = From(factory, "203.0.113.7");
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/s/no-such-study")).StatusCode);
        await factory.Services.GetRequiredService<SessionService>().SetStatus(Experiment, ExperimentStatus.Paused, "test");
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await browser.GetAsync($"/s/{Experiment}")).StatusCode);
        await factory.Services.GetRequiredService<SessionService>().SetStatus(Experiment, ExperimentStatus.Open, "test");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/s/{Experiment}")).StatusCode);
    }

    /// <summary>
    /// The attack with the shipped defaults: 5,000 GETs of the link from one address. A
    /// class of 30 behind that address got in first; the script adds at most the rest of the
    /// burst (plus what the bucket gives back while it runs) and the 500-slot study stays open.
    /// </summary>
    [Fact]
    public async Task With_the_defaults_a_class_of_30_gets_in_and_5000_scripted_starts_do_not_fill_a_500_slot_study()
    {
        await using var factory = Server();
        var defaults = factory.Services.GetRequiredService<IOptions<SelfRef.Web.Hosting.SelfRefOptions>>().Value;
        Assert.Equal((60, 120), (defaults.StartsPerAddress, defaults.StartsPerAddressPerHour));
        var clock = Stopwatch.StartNew();

        var classroom = From(factory, "203.0.113.7");
        var students = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => classroom.GetAsync($"/s/{Experiment}")));
        Assert.All(students, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));

        var script = From(factory, "203.0.113.7");
        var answers = new List<HttpStatusCode>();
        for (var wave = 0; wave < 50; wave++)
            answers.AddRange((await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => script.GetAsync($"/s/{Experiment}")))).Select(r => r.StatusCode));
        var givenBack = (int)(clock.Elapsed / (TimeSpan.FromHours(1) / defaults.StartsPerAddressPerHour)) + 1;

        Assert.Equal(5_000, answers.Count);
        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests }));
        var scriptStarted = answers.Count(s => s == HttpStatusCode.Redirect);
        Assert.True(scriptStarted <= 30 + givenBack, $"the script started {scriptStarted} sessions after the class's 30 (the burst leaves 30, plus {givenBack} given back)");
        Assert.Equal(30 + scriptStarted, Sessions(factory));
        Assert.Equal(ExperimentStatus.Open, factory.Services.GetRequiredService<SessionService>().Status(Experiment));
    }

    [Fact]
    public async Task Zero_switches_the_limit_off()
    {
        await using var factory = Server(perAddress: 0);
        var browser = From(factory, "203.0.113.7");
        for (var i = 0; i < 100; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/s/{Experiment}")).StatusCode);
    }
}
