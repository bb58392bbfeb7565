using System.Net;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;

namespace SelfRef.Tests.Support;

/// <summary>A participant of a pen experiment who writes two strokes on the sheet, then gives a name: one answer for the coders.</summary>
public static class Handwriting
{
    public static async Task<string> Participant(this SelfRefFactory factory, string experiment, string firstName, string surname)
    {
        var token = await factory.Start(experiment, "?lang=en");
        await factory.Advance(token, "consent");
        await factory.Advance(token, "intro");
        await using (var hub = await factory.Hub(token))
        {
            var events = new List<ClientEvent>
            {
                Event(0, "step.onset", """{"index":2}"""),
                Event(5, "pen.sheet", """{"width":800,"height":500}"""),
                Event(812.5, "pen.down", """{"s":0,"pt":"pen","x":0.1,"y":0.2,"p":0.4}"""),
                Event(900, "pen.points", """{"s":0,"pts":[[0.12,0.25,850,0.5,0,0],[0.14,0.2,900,0.5,0,0]]}"""),
                Event(950, "pen.up", """{"s":0,"x":0.14,"y":0.2}"""),
                Event(1100, "pen.down", """{"s":1,"pt":"pen","x":0.15,"y":0.2,"p":0.4}"""),
                Event(1200, "pen.points", """{"s":1,"pts":[[0.17,0.25,1200,0.5,0,0]]}"""),
            };
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "pen", events)));
        }
        await factory.Advance(token, "pen");
        var (status, _) = await factory.Advance(token, "about-you", new { firstName, surname, age = "30", handedness = "right" });
        Assert.Equal(HttpStatusCode.OK, status);
        return factory.Services.GetRequiredService<SessionService>().Find(token)!.Id;
    }

    private static ClientEvent Event(double t, string type, string data) =>
        new(t, type, System.Text.Json.JsonDocument.Parse(data).RootElement.Clone());
}
