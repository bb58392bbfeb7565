using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SelfRef.Simulation.Protocol;

/// <summary>A step of the participant protocol the server did not answer as a browser expects; the message says which and how.</summary>
public sealed class ParticipantProtocolException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// How a browser reaches its session: the participant link (GET /s/{experiment}) answers 302 to
/// /p/{token}, and the page's SignalR connection is bound to that token (?session=…).
/// </summary>
public static class ParticipantLink
{
    public const string HubPath = "/hubs/participant";

    /// <summary>Follows the participant link and returns the session token it redirects to.</summary>
    /// <param name="query">The link's query string with its leading '?', e.g. recruitment parameters; may be empty.</param>
    /// <exception cref="ParticipantProtocolException">the link did not redirect to a participant page.</exception>
    public static async Task<string> StartSession(HttpClient http, string experimentId, string query, CancellationToken ct,
        Action<HttpRequestMessage>? decorate = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/s/{Uri.EscapeDataString(experimentId)}{query}");
        decorate?.Invoke(request);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is not { } location)
            throw new ParticipantProtocolException($"starting a session answered {(int)response.StatusCode}, not 302 with a Location");
        var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
        if (!path.StartsWith("/p/", StringComparison.Ordinal) || path.Length <= 3)
            throw new ParticipantProtocolException("starting a session redirected to an unexpected address");
        return Uri.UnescapeDataString(path[3..]);
    }

    /// <summary>Goes on through the session's steps (as a participant clicking "continue") until the given step is the current one.</summary>
    /// <exception cref="ParticipantProtocolException">the step is not reached within the session's steps.</exception>
    public static async Task AdvanceTo(HttpClient http, string token, string stepId, CancellationToken ct)
    {
        var api = $"/api/p/{Uri.EscapeDataString(token)}";
        for (var moves = 0; moves < 50; moves++)
        {
            using var state = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(api, ct));
            var current = state.RootElement.GetProperty("step").GetProperty("id").GetString();
            if (current == stepId) return;
            using var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { step = current }), System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(api + "/advance", body, ct);
            if (!response.IsSuccessStatusCode) throw new ParticipantProtocolException($"going on from step '{current}' answered {(int)response.StatusCode}");
        }
        throw new ParticipantProtocolException($"step '{stepId}' was not reached");
    }

    /// <summary>A hub connection bound to the session, over WebSockets as browsers use it (not yet started).</summary>
    public static HubConnection Hub(Uri baseUrl, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, $"{HubPath}?session={Uri.EscapeDataString(token)}"), HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .Build();

    /// <summary>An HTTP client that sees redirects and keeps no cookies, so every simulated participant is a new browser.</summary>
    public static HttpClient Client(Uri baseUrl, int maxConnections) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
}
