using System.Net;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public class SessionViewTests : IAsyncLifetime
{
    private const string Payload = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetRequiredService<SessionService>();

    private static ClientEvent Event(double t, string type, object data) => new(t, type, JsonSerializer.SerializeToElement(data));

    /// <summary>A keyboard participant who types the payload and gives it as their first name too.</summary>
    private async Task<Session> Typist()
    {
        var token = await _factory.Start("gallup-pen-keyboard", "?lang=en");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events = [Event(0, "step.onset", new { index = 2 }), Event(640, "key.down", new { key = "<" }), Event(650, "text.input", new { text = Payload })];
            Assert.Equal(3, await hub.Append(token, new EventBatch(1, "pen", events)));
        }
        await _factory.Advance(token, "pen");
        var (status, _) = await _factory.Advance(token, "about-you", new { firstName = Payload, surname = "Doe", age = "30", handedness = "right" });
        Assert.Equal(HttpStatusCode.OK, status);
        return Sessions.Find(token)!;
    }

    [Fact]
    public async Task The_session_view_shows_steps_times_events_and_outcome_with_typed_text_escaped()
    {
        var session = await Typist();
        var page = await (await _factory.LoggedIn()).GetStringAsync($"/researcher/sessions/{session.Id}");

        Assert.Contains($"<h1>Participant {session.Id}</h1>", page);
        Assert.DoesNotContain("<img src=x", page);
        Assert.DoesNotContain("<script>alert", page);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;", page);
        Assert.Contains("<pre class=\"typed\" id=\"typed-pen\">&lt;img src=x", page);
        // Steps in order with their event counts (the pen step holds the three events sent).
        var pen = System.Text.RegularExpressions.Regex.Match(page, "<th scope=\"row\">pen <small>\\(pen\\)</small></th>.*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("<td>3</td>", pen);
        Assert.Contains("<dd id=\"session-status\">completed</dd>", page);
        Assert.Contains("Outcome rows of this participant", page);
        Assert.Contains("<th scope=\"row\">pen</th>", page);
    }

    [Fact]
    public async Task The_session_view_needs_the_login_and_an_existing_session()
    {
        var session = await Typist();
        var anonymous = await _factory.Browser().GetAsync($"/researcher/sessions/{session.Id}");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        var researcher = await _factory.LoggedIn();
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync("/researcher/sessions/P-nobody")).StatusCode);
        // A keyboard step has no sheet to replay.
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/researcher/sessions/{session.Id}/steps/pen/replay")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/researcher/sessions/{session.Id}/steps/pen/strokes.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await _factory.Browser().GetAsync($"/researcher/sessions/{session.Id}/steps/map/trajectory.json")).StatusCode);
    }

    [Fact]
    public async Task The_map_trajectory_has_the_views_in_order_and_the_first_target()
    {
        var token = await _factory.Start("gallup-map", "?lang=en");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events =
            [
                Event(20, "map.view", new { lat = 30.0, lng = 10.0, zoom = 2.0, bounds = new[] { -10.0, -30.0, 60.0, 50.0 }, initial = true }),
                Event(900, "map.click", new { lat = 50.94, lng = 6.96, zoom = 2, pointer = "mouse" }),
                Event(1500, "map.view", new { lat = 50.94, lng = 6.96, zoom = 5.0, bounds = new[] { 48.0, 3.0, 53.0, 10.0 } }),
            ];
            Assert.Equal(3, await hub.Append(token, new EventBatch(1, "map", events)));
        }
        var id = Sessions.Find(token)!.Id;
        var researcher = await _factory.LoggedIn();
        var sessionPage = await researcher.GetStringAsync($"/researcher/sessions/{id}");
        Assert.Contains($"href=\"/researcher/sessions/{id}/steps/map/replay\"", sessionPage);
        // The map task's replay module draws the replay (TaskType.ReplayModule).
        Assert.Contains("data-module=\"/js/map-replay.js\"", await researcher.GetStringAsync($"/researcher/sessions/{id}/steps/map/replay"));

        var trajectory = JsonDocument.Parse(await researcher.GetStringAsync($"/researcher/sessions/{id}/steps/map/trajectory.json")).RootElement;
        Assert.Equal([20.0, 1500.0], trajectory.GetProperty("views").EnumerateArray().Select(v => v.GetProperty("t").GetDouble()));
        Assert.Equal(5.0, trajectory.GetProperty("views")[1].GetProperty("zoom").GetDouble());
        Assert.Equal(50.94, trajectory.GetProperty("clicks")[0].GetProperty("lat").GetDouble());
        var target = trajectory.GetProperty("target");
        Assert.Equal("click", target.GetProperty("inference").GetString());
        Assert.Equal(6.96, target.GetProperty("lng").GetDouble());
        // The map's replay data has the name its task type gives it, and no other.
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/researcher/sessions/{id}/steps/map/strokes.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/researcher/sessions/{id}/steps/intro/trajectory.json")).StatusCode);
    }
}
