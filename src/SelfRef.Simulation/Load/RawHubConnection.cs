using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SelfRef.Simulation.Load;

/// <summary>What the server answered to one call made with <see cref="RawHubConnection"/>.</summary>
/// <param name="Result">the call's result (a completion without error).</param>
/// <param name="Error">the server's error message (a completion with error).</param>
/// <param name="Disconnected">the connection closed before any answer came.</param>
public sealed record HubReply(JsonElement? Result, string? Error, bool Disconnected)
{
    public bool Refused => Error is not null || Disconnected;
    public override string ToString() => Disconnected ? "disconnected" : Error is not null ? "error: " + Error : "result: " + Result;
}

/// <summary>
/// A SignalR connection spoken by hand: the JSON hub protocol over a WebSocket, without the
/// client library, so a fault test or benchmark can send what no well-behaved client sends —
/// wrong argument types, unknown methods, oversized or malformed messages, thousands of calls
/// without waiting for answers. Loopback addresses only.
/// </summary>
public sealed class RawHubConnection : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<HubReply>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private long _nextId, _answered;

    private RawHubConnection(ClientWebSocket socket) => _socket = socket;

    /// <summary>Completes when the connection has closed, with the server's close error if it sent one.</summary>
    public Task<string?> Closed => _closed.Task;
    public bool IsOpen => !_closed.Task.IsCompleted;
    /// <summary>Calls answered so far (result or error).</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Opens a WebSocket to the hub (e.g. http://127.0.0.1:5080/hubs/participant?session=…) and does the JSON protocol handshake.</summary>
    /// <exception cref="WebSocketException">the server refused the WebSocket (e.g. 401 for a hub that needs a login).</exception>
    /// <exception cref="InvalidOperationException">the server refused the handshake.</exception>
    public static async Task<RawHubConnection> Connect(Uri hubUrl, CancellationToken ct = default)
    {
        if (!LoadOptions.IsLoopback(hubUrl)) throw new ArgumentException($"raw hub connections go to loopback addresses only, not {hubUrl.Host}", nameof(hubUrl));
        var socket = new ClientWebSocket();
        var ws = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(ws, ct);
            var connection = new RawHubConnection(socket);
            await connection.SendFrame("""{"protocol":"json","version":1}""", ct);
            var handshake = await connection.ReadMessage(new StringBuilder(), ct);
            if (handshake is null) throw new InvalidOperationException("the server closed the connection during the handshake");
            using (var answer = JsonDocument.Parse(handshake))
                if (answer.RootElement.TryGetProperty("error", out var error)) throw new InvalidOperationException("handshake refused: " + error.GetString());
            connection._reader = Task.Run(connection.ReadLoop, CancellationToken.None);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Calls a hub method with the given arguments (serialised as JSON, camelCase) and waits for the answer.</summary>
    public Task<HubReply> Invoke(string target, params object?[] arguments) =>
        InvokeRaw(target, JsonSerializer.Serialize(arguments, JsonSerializerOptions.Web));

    /// <summary>Calls a hub method with arguments given as the text of a JSON array, which need not match the method at all.</summary>
    public async Task<HubReply> InvokeRaw(string target, string argumentsJson, CancellationToken ct = default) =>
        await (await StartInvoke(target, argumentsJson, ct));

    /// <summary>Sends a call and returns as soon as it is on the wire; the task it gives completes with the answer.</summary>
    public async Task<Task<HubReply>> StartInvoke(string target, string argumentsJson, CancellationToken ct = default)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<HubReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        if (!IsOpen) reply.TrySetResult(new HubReply(null, null, true));
        try
        {
            await SendFrame($$"""{"type":1,"invocationId":"{{id}}","target":{{JsonSerializer.Serialize(target)}},"arguments":{{argumentsJson}}}""", ct);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            reply.TrySetResult(new HubReply(null, null, true));
        }
        return reply.Task;
    }

    /// <summary>Sends any text as one hub message (the record separator is added).</summary>
    public async Task SendFrame(string text, CancellationToken ct = default)
    {
        var bytes = Encoding.UTF8.GetBytes(text + Separator);
        await _sendLock.WaitAsync(ct);
        try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct); }
        finally { _sendLock.Release(); }
    }

    private async Task ReadLoop()
    {
        var buffer = new StringBuilder();
        string? closeError = null;
        try
        {
            while (await ReadMessage(buffer, _stop.Token) is { } message)
            {
                using var json = JsonDocument.Parse(message);
                var root = json.RootElement;
                var type = root.TryGetProperty("type", out var t) ? t.GetInt32() : 0;
                if (type == 3 && root.TryGetProperty("invocationId", out var id) && _pending.TryRemove(id.GetString()!, out var reply))
                {
                    Interlocked.Increment(ref _answered);
                    reply.TrySetResult(root.TryGetProperty("error", out var error)
                        ? new HubReply(null, error.GetString(), false)
                        : new HubReply(root.TryGetProperty("result", out var result) ? result.Clone() : null, null, false));
                }
                else if (type == 7)
                {
                    closeError = root.TryGetProperty("error", out var error) ? error.GetString() : null;
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or JsonException) { }
        finally
        {
            _closed.TrySetResult(closeError);
            foreach (var id in _pending.Keys)
                if (_pending.TryRemove(id, out var reply)) reply.TrySetResult(new HubReply(null, null, true));
        }
    }

    // Messages end with the record separator; a WebSocket message may hold several or part of one.
    private readonly Queue<string> _ready = new();
    private readonly byte[] _chunk = new byte[16 * 1024];
    private readonly char[] _chars = new char[Encoding.UTF8.GetMaxCharCount(16 * 1024)];
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    private async Task<string?> ReadMessage(StringBuilder buffer, CancellationToken ct)
    {
        while (_ready.Count == 0)
        {
            var received = await _socket.ReceiveAsync(_chunk, ct);
            if (received.MessageType == WebSocketMessageType.Close) return null;
            var n = _decoder.GetChars(_chunk, 0, received.Count, _chars, 0);
            for (var i = 0; i < n; i++)
            {
                if (_chars[i] != Separator) { buffer.Append(_chars[i]); continue; }
                _ready.Enqueue(buffer.ToString());
                buffer.Clear();
            }
        }
        return _ready.Dequeue();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, limit.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        }
        await _stop.CancelAsync();
        try { await _reader; } catch (OperationCanceledException) { }
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
