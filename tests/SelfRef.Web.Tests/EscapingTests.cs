using System.Net;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>What participants write reaches researchers' pages as text, never as markup.</summary>
public class EscapingTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_name_written_as_markup_is_shown_escaped_on_the_coding_page()
    {
        const string firstName = "<script>alert('x')</script>", surname = "<img src=x onerror=alert(1)>";
        var token = await _factory.Start("gallup-pen", "?lang=en");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events =
            [
                new(0, "step.onset", JsonDocument.Parse("""{"index":2}""").RootElement.Clone()),
                new(5, "pen.sheet", JsonDocument.Parse("""{"width":800,"height":500}""").RootElement.Clone()),
                new(812.5, "pen.down", JsonDocument.Parse("""{"s":0,"pt":"pen","x":0.1,"y":0.2,"p":0.4}""").RootElement.Clone()),
                new(900, "pen.points", JsonDocument.Parse("""{"s":0,"pts":[[0.12,0.25,850,0.5,0,0],[0.14,0.2,900,0.5,0,0]]}""").RootElement.Clone()),
                new(950, "pen.up", JsonDocument.Parse("""{"s":0,"x":0.14,"y":0.2}""").RootElement.Clone()),
            ];
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "pen", events)));
        }
        await _factory.Advance(token, "pen");
        var (status, _) = await _factory.Advance(token, "about-you", new { firstName, surname, age = "30", handedness = "right" });
        Assert.Equal(HttpStatusCode.OK, status);

        var page = await (await _factory.LoggedIn()).GetStringAsync("/researcher/experiments/gallup-pen/coding");
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", page);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page);
        Assert.DoesNotContain(firstName, page);
        Assert.DoesNotContain(surname, page);
    }
}
