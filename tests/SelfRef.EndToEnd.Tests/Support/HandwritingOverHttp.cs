using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;

namespace SelfRef.EndToEnd.Tests.Support;

/// <summary>
/// A participant of a pen experiment over the real socket (the link, the hub, the advance calls):
/// two strokes on the sheet, then a name. Quicker than a browser for tests about what researchers
/// do with the answer.
/// </summary>
public static class HandwritingOverHttp
{
    public static async Task<string> Participant(string baseUrl, string experiment, string firstName, string surname)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        var start = await http.GetAsync($"/s/{experiment}?lang=en");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var token = start.Headers.Location!.OriginalString["/p/".Length..];
        async Task<JsonElement> Advance(string step, object? answers = null)
        {
            var response = await http.PostAsync($"/api/p/{token}/advance", new StringContent(JsonSerializer.Serialize(new { step, answers }), System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, $"advance {step} answered {(int)response.StatusCode}");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        await Advance("consent");
        await Advance("intro");
        await using (var hub = new HubConnectionBuilder().WithUrl(new Uri(new Uri(baseUrl), $"/hubs/participant?session={token}")).Build())
        {
            await hub.StartAsync();
            var events = new List<ClientEvent>
            {
                Event(0, "step.onset", """{"index":2}"""),
                Event(5, "pen.sheet", """{"width":800,"height":500}"""),
                Event(812.5, "pen.down", """{"s":0,"pt":"pen","x":0.1,"y":0.2,"p":0.4}"""),
                Event(900, "pen.points", """{"s":0,"pts":[[0.12,0.25,850,0.5,0,0],[0.14,0.2,900,0.5,0,0]]}"""),
                Event(950, "pen.up", """{"s":0,"x":0.14,"y":0.2}"""),
            };
            Assert.Equal(events.Count, await hub.InvokeAsync<long>("Append", token, new EventBatch(1, "pen", events)));
        }
        await Advance("pen");
        await Advance("about-you", new { firstName, surname, age = "30", handedness = "right" });
        return token;
    }

    private static ClientEvent Event(double t, string type, string data) => new(t, type, JsonDocument.Parse(data).RootElement.Clone());
}
