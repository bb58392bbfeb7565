using System.Collections.Concurrent;

namespace SelfRef.EndToEnd.Tests.Support;

/// <summary>One answer the page received: its address, type, encoding, the bytes it took on the wire (headers included) and its body's decoded length.</summary>
public sealed record Received(string Url, string MimeType, string? Encoding, long WireBytes, long BodyBytes)
{
    /// <summary>Scripts, styles, JSON and HTML: what a server should compress.</summary>
    public bool IsText => MimeType.Contains("javascript") || MimeType.Contains("css") || MimeType.Contains("json") || MimeType.Contains("html");

    public string Path => new Uri(Url).AbsolutePath;
}

/// <summary>
/// What a page downloads, counted by Chromium itself (DevTools protocol, Network domain) with its
/// cache disabled: every answer's encoded length on the wire, and the WebSocket frames the server
/// sends (SignalR's acknowledgements). Attach before the page navigates.
/// </summary>
public sealed class Traffic
{
    private readonly ConcurrentDictionary<string, (string Url, string Mime, string? Encoding)> _responses = new();
    private readonly ConcurrentDictionary<string, string> _inFlight = new();
    private readonly ConcurrentDictionary<string, long> _decoded = new();
    private readonly ConcurrentQueue<Received> _received = new();
    private long _socketBytes;
    private readonly IPage _page;

    private Traffic(IPage page) => _page = page;

    public static async Task<Traffic> Record(IBrowserContext context, IPage page)
    {
        var traffic = new Traffic(page);
        var cdp = await context.NewCDPSessionAsync(page);
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            var url = e!.Value.GetProperty("request").GetProperty("url").GetString()!;
            if (!url.StartsWith("data:")) traffic._inFlight[e.Value.GetProperty("requestId").GetString()!] = url;
        };
        cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            var response = e!.Value.GetProperty("response");
            string? encoding = null;
            foreach (var header in response.GetProperty("headers").EnumerateObject())
                if (header.Name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase)) encoding = header.Value.GetString();
            traffic._responses[e.Value.GetProperty("requestId").GetString()!] = (response.GetProperty("url").GetString()!, response.GetProperty("mimeType").GetString() ?? "", encoding);
        };
        // The decoded length: what the answer would have been without compression.
        cdp.Event("Network.dataReceived").OnEvent += (_, e) =>
            traffic._decoded.AddOrUpdate(e!.Value.GetProperty("requestId").GetString()!, _ => e.Value.GetProperty("dataLength").GetInt64(), (_, n) => n + e.Value.GetProperty("dataLength").GetInt64());
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            var id = e!.Value.GetProperty("requestId").GetString()!;
            if (traffic._responses.TryGetValue(id, out var r))
                traffic._received.Enqueue(new Received(r.Url, r.Mime, r.Encoding, (long)e.Value.GetProperty("encodedDataLength").GetDouble(), traffic._decoded.GetValueOrDefault(id)));
            traffic._inFlight.TryRemove(id, out string? _);
        };
        cdp.Event("Network.loadingFailed").OnEvent += (_, e) => traffic._inFlight.TryRemove(e!.Value.GetProperty("requestId").GetString()!, out string? _);
        cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) =>
            Interlocked.Add(ref traffic._socketBytes, e!.Value.GetProperty("response").GetProperty("payloadData").GetString()!.Length);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.setCacheDisabled", new() { ["cacheDisabled"] = true });
        return traffic;
    }

    public IReadOnlyList<Received> Responses => [.. _received];

    /// <summary>Bytes of every finished answer plus the WebSocket frames received.</summary>
    public long Bytes => _received.Sum(r => r.WireBytes) + Interlocked.Read(ref _socketBytes);

    public long SocketBytes => Interlocked.Read(ref _socketBytes);

    public int Count(string pathStart) => _received.Count(r => r.Path.StartsWith(pathStart));

    /// <summary>
    /// Waits until at least <paramref name="minimum"/> answers under the path have finished and
    /// nothing is loading (the map asks for place labels shortly after every move ends).
    /// </summary>
    public async Task Settled(string pathStart, int minimum)
    {
        for (var i = 0; i < 1200 && !(Count(pathStart) >= minimum && _inFlight.IsEmpty); i++)
            await _page.WaitForTimeoutAsync(50);
        Assert.True(Count(pathStart) >= minimum && _inFlight.IsEmpty,
            $"still loading after a minute: {string.Join(", ", _inFlight.Values)}; {Count(pathStart)} of {minimum} answers from {pathStart}");
    }

    /// <summary>A table of what came, largest first, for the test's output.</summary>
    public string Describe() => string.Join("\n", _received
        .GroupBy(r => r.Path.StartsWith("/api/places") ? "/api/places (all)" : r.Path)
        .Select(g => (Path: g.Key, Bytes: g.Sum(r => r.WireBytes), Count: g.Count(), Encoding: g.First().Encoding ?? "-"))
        .OrderByDescending(g => g.Bytes)
        .Select(g => $"{g.Bytes,9:N0} B  {g.Count,3}×  {g.Encoding,-5} {g.Path}"))
        + $"\n{SocketBytes,9:N0} B  WebSocket frames received\n{Bytes,9:N0} B  in all";
}
