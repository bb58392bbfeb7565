using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;
using SelfRef.Simulation.Protocol;

namespace SelfRef.Simulation.Load;

/// <summary>What every tab of a browser-shaped run shares: counters, latencies, the tabs open now, problems met.</summary>
internal sealed class BrowserRun(BrowserLoadOptions options)
{
    private const int MaxDistinctErrors = 40;
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private long _produced, _disconnects;
    private int _reloads, _reloadsAfterStoredBatch, _secondTabs;

    public BrowserLoadOptions Options { get; } = options;
    public Stopwatch Clock { get; } = new();
    public SendCounters Counters { get; } = new() { KeepRecentLatencies = true };
    public LatencyHistogram Latency { get; } = new();
    /// <summary>How late events were logged against their participant's schedule: the load generator's own lag.</summary>
    public LatencyHistogram Lag { get; } = new();
    /// <summary>The gazetteer requests pages make on the side (map labels, place suggestions).</summary>
    public LatencyHistogram Places { get; } = new();
    public ConcurrentDictionary<BrowserTab, byte> Tabs { get; } = new();
    public long Produced => Interlocked.Read(ref _produced);
    public long Disconnects => Interlocked.Read(ref _disconnects);
    public IReadOnlyDictionary<string, int> Errors => new Dictionary<string, int>(_errors);
    public ConcurrentQueue<Withdrawal> Withdrawals { get; } = new();
    public int Reloads => Volatile.Read(ref _reloads);
    public int ReloadsAfterStoredBatch => Volatile.Read(ref _reloadsAfterStoredBatch);
    public int SecondTabs => Volatile.Read(ref _secondTabs);

    public void Reloaded(bool batchWasStored)
    {
        Interlocked.Increment(ref _reloads);
        if (batchWasStored) Interlocked.Increment(ref _reloadsAfterStoredBatch);
    }

    public void SecondTabOpened() => Interlocked.Increment(ref _secondTabs);

    public void AddProduced() => Interlocked.Increment(ref _produced);
    public void Disconnect() => Interlocked.Increment(ref _disconnects);

    public void Acknowledged(double ms)
    {
        Latency.Add(ms);
        Counters.Latency(ms);
        Counters.Batch();
    }

    public void Error(string message)
    {
        if (_errors.Count < MaxDistinctErrors || _errors.ContainsKey(message)) _errors.AddOrUpdate(message, 1, (_, n) => n + 1);
        else _errors.AddOrUpdate("(further distinct problems not recorded)", 1, (_, n) => n + 1);
    }
}

/// <summary>
/// What a tab's outbox keeps in localStorage (wwwroot/js/outbox.js): its stream, the next event
/// number, the highest one acknowledged and every event not acknowledged yet. It outlives a
/// reload: the reloaded page takes it over. Its gate guards it for whichever page holds it.
/// </summary>
internal sealed class TabState(string stream)
{
    public Lock Gate { get; } = new();
    public string Stream { get; } = stream;
    public long Next = 1, Acked, Produced, Dropped;
    public readonly List<PendingEvent> Pending = [];

    public StreamOutcome Outcome()
    {
        lock (Gate) return new StreamOutcome(Stream, Produced, Acked, Dropped, Pending.Count);
    }
}

internal readonly record struct PendingEvent(long N, string Step, ClientEvent Event, long LoggedAt);

/// <summary>
/// One browser tab's page, sending as wwwroot/js/outbox.js does: every event is numbered in the
/// tab's stream when it is logged and sent at once if nothing is in flight; while a batch is in
/// flight the next events wait and go together (at most 200, one step's) when its
/// acknowledgement comes. A failed batch is sent again 1.5 s later; the connection reconnects on
/// its own (250 ms doubling to 5 s) and, once back, asks DurableOf and sends the rest. A batch
/// refused for good is dropped and the rest renumbered, as the page does; a session that is gone
/// drops everything.
/// </summary>
internal sealed class BrowserTab
{
    private readonly BrowserRun _run;
    private readonly string _token;
    private readonly TabState _state;
    private readonly HubConnection _connection;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _closed = new();
    private readonly List<TaskCompletionSource> _waiters = [];
    private Task _sender = Task.CompletedTask;
    // Stopwatch timestamp at which the batch now in flight was sent; 0 when none is.
    private long _inflightSince;
    // The page was closed or reloaded: whatever its connection still receives changes nothing.
    private bool _gone;
    // The session is gone (withdrawn here, or the server said so): nothing more is sent.
    private bool _stopped;
    private long? _firstDurable;

    private BrowserTab(BrowserRun run, string token, TabState state)
    {
        _run = run;
        _token = token;
        _state = state;
        // As the page builds it: negotiation, then WebSockets; automatic reconnect with outbox.js's delays.
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(run.Options.BaseUrl, $"{ParticipantLink.HubPath}?session={Uri.EscapeDataString(token)}"), o => o.Transports = HttpTransportType.WebSockets)
            .WithAutomaticReconnect(new OutboxRetry())
            .Build();
        _connection.Reconnecting += _ =>
        {
            _run.Disconnect();
            return Task.CompletedTask;
        };
        _connection.Reconnected += async _ =>
        {
            _run.Counters.Reconnect();
            try { await Resume(_closed.Token); }
            catch (Exception e) when (e is not OperationCanceledException || !_closed.IsCancellationRequested) { Problem("resuming after a reconnect", e); }
        };
        _connection.Closed += async _ =>
        {
            if (IsOver) return;
            _run.Disconnect();
            try
            {
                await Task.Delay(BrowserLoadOptions.ReconnectDelay, _closed.Token);
                await Connect(_closed.Token);
            }
            catch (OperationCanceledException) { }
        };
    }

    public TabState State => _state;
    public string Stream => _state.Stream;
    /// <summary>The server answered that the session is gone (unknown token, or ended) and the tab dropped its events.</summary>
    public bool SessionGone { get; private set; }
    /// <summary>
    /// What the server held of this stream beyond what the tab knew to be acknowledged when it
    /// connected: after a reload, the batch that was in flight was stored though its
    /// acknowledgement never reached the page.
    /// </summary>
    public long StoredBeyondAckAtOpen { get; private set; }

    private bool IsOver
    {
        get { lock (_state.Gate) return _gone || _stopped; }
    }

    /// <summary>Opens the page's connection and learns what the server holds of the stream (outbox.js start → #connect → #resume).</summary>
    public static async Task<BrowserTab> Open(BrowserRun run, string token, TabState state, CancellationToken ct)
    {
        var tab = new BrowserTab(run, token, state);
        run.Tabs[tab] = 0;
        tab._sender = Task.Run(tab.SendLoop);
        try
        {
            await tab.Connect(ct);
        }
        catch
        {
            await tab.Unload();
            throw;
        }
        return tab;
    }

    /// <summary>Records an event of the step the page shows and sends it if nothing is in flight (outbox.js log → flush).</summary>
    public bool Log(string step, ClientEvent e)
    {
        lock (_state.Gate)
        {
            if (_gone || _stopped) return false;
            _state.Pending.Add(new PendingEvent(_state.Next++, step, e, Stopwatch.GetTimestamp()));
            _state.Produced++;
        }
        _run.AddProduced();
        Wake();
        return true;
    }

    /// <summary>Completes once nothing of this tab is waiting for an acknowledgement (outbox.js whenFlushed).</summary>
    public Task WhenFlushed(CancellationToken ct)
    {
        lock (_state.Gate)
        {
            if (_state.Pending.Count == 0 || _gone || _stopped) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(waiter);
            return waiter.Task.WaitAsync(ct);
        }
    }

    /// <summary>How long the batch in flight has waited for its acknowledgement (0 when none is in flight).</summary>
    public double InflightMs(long now)
    {
        var since = Interlocked.Read(ref _inflightSince);
        return since == 0 ? 0 : Stopwatch.GetElapsedTime(since, now).TotalMilliseconds;
    }

    /// <summary>How long the oldest event not yet acknowledged has waited since it was logged (0 when none waits).</summary>
    public double OldestPendingMs(long now)
    {
        lock (_state.Gate)
            return _state.Pending.Count == 0 || _gone || _stopped ? 0 : Stopwatch.GetElapsedTime(_state.Pending[0].LoggedAt, now).TotalMilliseconds;
    }

    /// <summary>
    /// The page goes away (closed, or reloaded: then the next page takes over <see cref="State"/>).
    /// The batch in flight is not waited for; the server may still store it.
    /// </summary>
    public async Task Unload()
    {
        lock (_state.Gate)
        {
            if (_gone) return;
            _gone = true;
            Interlocked.Exchange(ref _inflightSince, 0);
            Settle();
        }
        _run.Tabs.TryRemove(this, out _);
        await _closed.CancelAsync();
        _wake.Writer.TryComplete();
        try { await _connection.DisposeAsync(); }
        catch (Exception e) when (e is not OutOfMemoryException) { _run.Error("closing a tab's connection: " + e.GetType().Name); }
        try { await _sender; }
        catch (Exception e) when (e is not OutOfMemoryException) { _run.Error("a tab's sender stopped with " + e.GetType().Name + ": " + e.Message); }
    }

    /// <summary>The participant withdrew: the page forgets its unsent events and stops sending (outbox.js stop).</summary>
    public async Task Stop()
    {
        lock (_state.Gate)
        {
            _stopped = true;
            _state.Dropped += _state.Pending.Count;
            _state.Pending.Clear();
            Settle();
        }
        await Unload();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task SendLoop()
    {
        var ct = _closed.Token;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct))
            {
                _wake.Reader.TryRead(out _);
                while (TakeBatch() is { } batch)
                    if (!await Send(batch, ct)) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>The first pending events of one step, at most 200, marked in flight; null when nothing can be sent now.</summary>
    private EventBatch? TakeBatch()
    {
        lock (_state.Gate)
        {
            if (_gone || _stopped || _state.Pending.Count == 0 || Interlocked.Read(ref _inflightSince) != 0) return null;
            if (_connection.State != HubConnectionState.Connected) return null;
            var pending = _state.Pending;
            var step = pending[0].Step;
            var count = 1;
            while (count < pending.Count && count < BrowserLoadOptions.MaxBatchEvents && pending[count].Step == step) count++;
            var events = new ClientEvent[count];
            for (var i = 0; i < count; i++) events[i] = pending[i].Event;
            Interlocked.Exchange(ref _inflightSince, Stopwatch.GetTimestamp());
            return new EventBatch(pending[0].N, step, events, _state.Stream);
        }
    }

    /// <summary>Sends one batch and waits for its answer; false when the tab must wait for a wake (retry timer, reconnect) before sending more.</summary>
    private async Task<bool> Send(EventBatch batch, CancellationToken ct)
    {
        var sent = Interlocked.Read(ref _inflightSince);
        try
        {
            _run.Counters.AddSent(batch.Events.Count);
            var durable = await _connection.InvokeAsync<long>("Append", _token, batch, ct);
            var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            lock (_state.Gate)
            {
                Interlocked.Exchange(ref _inflightSince, 0);
                if (_gone) return false;
                Acknowledge(durable);
            }
            _run.Acknowledged(ms);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (HubException e)
        {
            bool resume;
            lock (_state.Gate)
            {
                Interlocked.Exchange(ref _inflightSince, 0);
                if (_gone || _stopped) return false;
                resume = Refused(e.Message, batch.Events.Count);
            }
            if (resume) _ = ResumeQuietly();
            RetryLater();
            return false;
        }
        catch (Exception e)
        {
            lock (_state.Gate)
            {
                Interlocked.Exchange(ref _inflightSince, 0);
                if (_gone || _stopped) return false;
            }
            // The connection went (its automatic reconnect resumes), or the call failed: sent again later.
            _run.Counters.Retry();
            Problem("sending a batch", e);
            RetryLater();
            return false;
        }
    }

    /// <summary>
    /// outbox.js #refused. Returns whether the stream must be resumed (a sequence gap). Under the gate.
    /// </summary>
    private bool Refused(string message, int count)
    {
        if (!message.Contains("batch refused", StringComparison.Ordinal))
        {
            _run.Error("not stored yet, will send again: " + message);
            return false;
        }
        if (message.Contains("sequence gap", StringComparison.Ordinal))
        {
            _run.Error("refused as a sequence gap; the tab resumes: " + message);
            return true;
        }
        if (message.Contains("session has ended", StringComparison.Ordinal) || message.Contains("unknown session", StringComparison.Ordinal))
        {
            // The session ended or was deleted: nothing of it will be stored again. Whether that was expected, the visit knows.
            SessionGone = true;
            _state.Dropped += _state.Pending.Count;
            _state.Pending.Clear();
        }
        else
        {
            _run.Error("refused by the server: " + message);
            var dropped = Math.Min(count, _state.Pending.Count);
            _state.Pending.RemoveRange(0, dropped);
            _state.Dropped += dropped;
            Renumber(_state.Acked + 1);
        }
        Settle();
        return false;
    }

    private void RetryLater() => _ = Task.Delay(BrowserLoadOptions.RetryDelay, _closed.Token).ContinueWith(_ => Wake(), TaskScheduler.Default);

    /// <summary>outbox.js #connect: start (if need be) and resume, again every 2 s until it works or the page is gone.</summary>
    private async Task Connect(CancellationToken ct)
    {
        while (!IsOver)
        {
            try
            {
                if (_connection.State == HubConnectionState.Disconnected)
                {
                    await _connection.StartAsync(ct);
                    if (_firstDurable is not null) _run.Counters.Reconnect();
                }
                await Resume(ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                if (e.Message.Contains("unknown session token", StringComparison.Ordinal))
                {
                    lock (_state.Gate)
                    {
                        SessionGone = true;
                        _stopped = true;
                        _state.Dropped += _state.Pending.Count;
                        _state.Pending.Clear();
                        Settle();
                    }
                    return;
                }
                Problem("connecting a tab", e);
                await Task.Delay(BrowserLoadOptions.ReconnectDelay, ct);
            }
        }
    }

    private async Task ResumeQuietly()
    {
        try { await Resume(_closed.Token); }
        catch (Exception e) when (e is not OperationCanceledException || !_closed.IsCancellationRequested) { Problem("resuming after a sequence gap", e); }
    }

    /// <summary>
    /// outbox.js #resume: asks what the server holds of the stream; numbers continue right after
    /// it (no gap, no overlap) and what it holds is acknowledged; then the rest is sent.
    /// </summary>
    private async Task Resume(CancellationToken ct)
    {
        var durable = await _connection.InvokeAsync<long>("DurableOf", _token, _state.Stream, ct);
        lock (_state.Gate)
        {
            if (_gone || _stopped) return;
            if (_firstDurable is null)
            {
                _firstDurable = durable;
                StoredBeyondAckAtOpen = Math.Max(0, durable - _state.Acked);
            }
            if (durable < _state.Acked)
                _run.Error("after (re)connecting the server held fewer events of a stream than it had acknowledged: acknowledged events were lost");
            var first = _state.Pending.Count > 0 ? _state.Pending[0].N : _state.Next;
            if (durable >= _state.Next || first > durable + 1) Renumber(durable + 1);
            Acknowledge(durable);
        }
        Wake();
    }

    /// <summary>Numbers continue the server's without a gap or an overlap. Under the gate.</summary>
    private void Renumber(long start)
    {
        var pending = _state.Pending;
        for (var i = 0; i < pending.Count; i++) pending[i] = pending[i] with { N = start + i };
        _state.Next = start + pending.Count;
    }

    /// <summary>Under the gate.</summary>
    private void Acknowledge(long durable)
    {
        if (durable <= _state.Acked) return;
        var pending = _state.Pending;
        var newly = 0;
        while (newly < pending.Count && pending[newly].N <= durable) newly++;
        pending.RemoveRange(0, newly);
        _state.Acked = durable;
        _run.Counters.AddAcknowledged(newly);
        Settle();
    }

    /// <summary>Releases whoever waits for the tab to be flushed, once it is (or can no longer be). Under the gate.</summary>
    private void Settle()
    {
        if (_state.Pending.Count > 0 && !_gone && !_stopped) return;
        foreach (var waiter in _waiters) waiter.TrySetResult();
        _waiters.Clear();
    }

    private void Problem(string what, Exception e) => _run.Error($"{what}: {e.GetType().Name}: {e.Message}");

    /// <summary>outbox.js: withAutomaticReconnect(min(5000, 250 · 2^n) ms), never giving up.</summary>
    private sealed class OutboxRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, Math.Min(retryContext.PreviousRetryCount, 10))));
    }
}
