using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;

namespace SelfRef.Tests.Support;

/// <summary>What a participant's browser does, done over the test server: follow the link, talk to the hub.</summary>
public static class Participants
{
    public static HttpClient Browser(this SelfRefFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>Opens the participant link and returns the session token it redirects to.</summary>
    public static async Task<string> Start(this SelfRefFactory factory, string experiment = "gallup-pen", string query = "")
    {
        var response = await factory.Browser().GetAsync($"/s/{experiment}{query}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/p/", location);
        return location["/p/".Length..];
    }

    public static async Task<HubConnection> Hub(this SelfRefFactory factory, string token)
    {
        var server = factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, $"/hubs/participant?session={token}"), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.WebSocketFactory = async (context, cancel) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, cancel);
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public static EventBatch Batch(long seq, int count, string step = "consent") =>
        new(seq, step, Enumerable.Range(0, count)
            .Select(i => new ClientEvent(i * 16.7, "ui.click", JsonDocument.Parse($$"""{"target":"button-{{i}}"}""").RootElement.Clone()))
            .ToList());

    public static Task<long> Append(this HubConnection hub, string token, EventBatch batch) =>
        hub.InvokeAsync<long>("Append", token, batch);

    public static async Task<JsonElement> State(this SelfRefFactory factory, string token, string query = "")
    {
        var response = await factory.Browser().GetAsync($"/api/p/{token}{query}");
        Assert.True(response.IsSuccessStatusCode, $"GET state answered {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Advance(this SelfRefFactory factory, string token, string step, object? answers = null)
    {
        var response = await factory.Browser().PostAsync($"/api/p/{token}/advance",
            new StringContent(JsonSerializer.Serialize(new { step, answers }), System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
