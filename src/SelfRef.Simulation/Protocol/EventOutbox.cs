using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;

namespace SelfRef.Simulation.Protocol;

/// <summary>How an outbox sends: the same rules as the browser's (wwwroot/js/outbox.js), with bounded waits.</summary>
public sealed record SendPolicy
{
    /// <summary>At most this many events in one batch, as the browser's outbox (MAX_BATCH).</summary>
    public int MaxBatchEvents { get; init; } = 200;
    /// <summary>A batch not acknowledged within this time is sent again.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Wait before a failed batch is sent again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Attempts per batch before the client gives up (its events then count as lost).</summary>
    public int MaxAttempts { get; init; } = 8;
}

/// <summary>Counts shared by every outbox of a run (updated atomically), for its summary.</summary>
public sealed class SendCounters
{
    private long _sent, _acknowledged, _batches, _retries, _timeouts, _reconnects;
    public long Sent => Interlocked.Read(ref _sent);
    public long Acknowledged => Interlocked.Read(ref _acknowledged);
    public long Batches => Interlocked.Read(ref _batches);
    public long Retries => Interlocked.Read(ref _retries);
    public long Timeouts => Interlocked.Read(ref _timeouts);
    public long Reconnects => Interlocked.Read(ref _reconnects);

    internal void AddSent(long n) => Interlocked.Add(ref _sent, n);
    internal void AddAcknowledged(long n) => Interlocked.Add(ref _acknowledged, n);
    internal void Batch() => Interlocked.Increment(ref _batches);
    internal void Retry() => Interlocked.Increment(ref _retries);
    internal void Timeout() => Interlocked.Increment(ref _timeouts);
    internal void Reconnect() => Interlocked.Increment(ref _reconnects);

    /// <summary>Whether ack latencies are kept for <see cref="TakeRecentLatencies"/> (a run that never takes them would only collect them).</summary>
    public bool KeepRecentLatencies { get; init; }

    // Ack latencies since they were last taken, for latency over time.
    private List<double> _recent = [];
    private readonly Lock _recentLock = new();

    internal void Latency(double ms)
    {
        if (!KeepRecentLatencies) return;
        lock (_recentLock) _recent.Add(ms);
    }

    /// <summary>The ack latencies (ms) recorded since the last call.</summary>
    public List<double> TakeRecentLatencies()
    {
        lock (_recentLock)
        {
            var taken = _recent;
            _recent = [];
            return taken;
        }
    }
}

/// <summary>
/// One simulated browser tab's events: numbered consecutively in its stream, sent one batch in
/// flight at a time (events of one step per batch), re-sent until the server acknowledges them as
/// durable, forgotten only then. After a reconnect it asks what the server already holds, as the
/// page does. Only one task may use an outbox at a time.
/// </summary>
public sealed class EventOutbox(string token, HubConnection connection, SendPolicy policy, SendCounters counters, Action<string> error, string stream = "")
{
    private readonly List<(string Step, ClientEvent Event)> _pending = [];

    public string Token { get; } = token;
    public string Stream { get; } = stream;
    public HubConnection Connection { get; } = connection;
    /// <summary>Events ever added.</summary>
    public long Produced { get; private set; }
    private long _acked;
    /// <summary>Highest event number the server acknowledged as durable (read from other threads by fault tests).</summary>
    public long Acked { get => Volatile.Read(ref _acked); private set => Volatile.Write(ref _acked, value); }
    public int PendingCount => _pending.Count;

    public void Add(string step, IEnumerable<ClientEvent> events)
    {
        foreach (var e in events)
        {
            _pending.Add((step, e));
            Produced++;
        }
    }

    /// <summary>Sends until nothing is pending; false if a batch was refused or given up.</summary>
    public async Task<bool> Flush(CancellationToken hard)
    {
        while (_pending.Count > 0)
            if (!await SendNext(hard)) return false;
        return true;
    }

    /// <summary>
    /// Sends the oldest pending events (one step's, at most <see cref="SendPolicy.MaxBatchEvents"/>)
    /// as one batch until acknowledged. False when the client must stop: the server refused the
    /// batch, or it stayed unacknowledged after every attempt.
    /// </summary>
    public async Task<bool> SendNext(CancellationToken hard, List<double>? latencies = null)
    {
        if (_pending.Count == 0) return true;
        var step = _pending[0].Step;
        var count = 1;
        while (count < _pending.Count && count < policy.MaxBatchEvents && _pending[count].Step == step) count++;
        var batch = new EventBatch(Acked + 1, step, _pending.GetRange(0, count).Select(p => p.Event).ToList(), Stream);
        var first = Stopwatch.GetTimestamp();
        for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                counters.Retry();
                await Task.Delay(policy.RetryDelay, hard);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hard);
            timeout.CancelAfter(policy.AckTimeout);
            try
            {
                if (Connection.State != HubConnectionState.Connected) await Reconnect(timeout.Token);
                if (Acked >= batch.Last) return true;
                counters.AddSent(count);
                var durable = await Connection.InvokeAsync<long>("Append", Token, batch, timeout.Token);
                var latency = Stopwatch.GetElapsedTime(first).TotalMilliseconds;
                latencies?.Add(latency);
                counters.Latency(latency);
                counters.Batch();
                Acknowledge(durable);
                return true;
            }
            catch (HubException e)
            {
                error("refused by the server: " + e.Message);
                return false;
            }
            catch (OperationCanceledException) when (!hard.IsCancellationRequested)
            {
                counters.Timeout();
                error("no acknowledgement within the ack timeout");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error("sending: " + e.GetType().Name + ": " + e.Message);
            }
        }
        error($"a batch stayed unacknowledged after {policy.MaxAttempts} attempts; the client gave up");
        return false;
    }

    /// <summary>The server's durable count of this stream, asked again on a connection of its own if need be; null if it could not be asked.</summary>
    public async Task<long?> AskDurable(CancellationToken hard)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hard);
            timeout.CancelAfter(policy.AckTimeout);
            try
            {
                if (Connection.State == HubConnectionState.Disconnected) await Connection.StartAsync(timeout.Token);
                return await Connection.InvokeAsync<long>("DurableOf", Token, Stream, timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !hard.IsCancellationRequested)
            {
                error("asking for the durable count: " + e.GetType().Name + ": " + e.Message);
            }
        }
        return null;
    }

    /// <summary>Opens the connection again and learns what the server already holds, as the browser does after a reconnect.</summary>
    private async Task Reconnect(CancellationToken ct)
    {
        if (Connection.State == HubConnectionState.Disconnected)
        {
            await Connection.StartAsync(ct);
            counters.Reconnect();
        }
        var durable = await Connection.InvokeAsync<long>("DurableOf", Token, Stream, ct);
        if (durable < Acked) error($"after reconnecting the server holds events up to {durable} but had acknowledged {Acked}: acknowledged events were lost");
        Acknowledge(durable);
    }

    private void Acknowledge(long durable)
    {
        if (durable <= Acked) return;
        var newly = (int)Math.Min(durable - Acked, _pending.Count);
        _pending.RemoveRange(0, newly);
        Acked = durable;
        counters.AddAcknowledged(newly);
    }
}
