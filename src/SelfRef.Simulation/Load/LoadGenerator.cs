using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;

namespace SelfRef.Simulation.Load;

/// <summary>
/// Simulates participants the way the browser does it: each starts a session through the
/// participant link (GET /s/{experiment}, 302 to /p/{token}), opens its own SignalR connection
/// bound to that session, and sends its events in sequence-numbered batches, one batch in flight,
/// re-sending until the server acknowledges them as durable. At the end every session's
/// durable count is asked for and compared with the events produced.
/// </summary>
public sealed class LoadGenerator
{
    public const string HubPath = "/hubs/participant";
    private const int MaxDistinctErrors = 40;

    private readonly LoadOptions _options;
    private readonly IReadOnlyList<JsonElement> _penPoints;
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly Stopwatch _clock = new();
    private long _produced, _sent, _acknowledged, _batches, _retries, _timeouts, _disconnects, _reconnects;
    private int _sessions, _connected;
    private volatile LoadPhase _phase = LoadPhase.Setup;
    // The connected clients once setup is over, for AcknowledgedNow.
    private volatile IReadOnlyList<Client> _clients = [];
    // Ack latencies since the last progress report, for latency over time.
    private List<double> _recentLatencies = [];
    private readonly Lock _recentLock = new();

    public LoadGenerator(LoadOptions options)
    {
        options.Validate();
        _options = options;
        var random = new Random(options.Seed);
        _penPoints = Enumerable.Range(0, 256)
            .Select(_ => JsonSerializer.SerializeToElement(new { x = Math.Round(random.NextDouble(), 4), y = Math.Round(random.NextDouble(), 4), p = Math.Round(0.2 + 0.6 * random.NextDouble(), 3) }))
            .ToList();
    }

    public static Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken = default) =>
        new LoadGenerator(options).RunAsync(cancellationToken);

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(_options.HardLimit);
        _clock.Restart();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = _options.SetupConcurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        { BaseAddress = _options.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        using var progressStop = new CancellationTokenSource();
        var progress = ReportProgress(progressStop.Token);
        var clients = new List<Client>();
        try
        {
            // Setup: sessions and connections, a bounded number at a time.
            var slots = new Client?[_options.Clients];
            using (var setup = CancellationTokenSource.CreateLinkedTokenSource(hard.Token))
            {
                setup.CancelAfter(_options.SetupTimeout);
                try
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, _options.Clients),
                        new ParallelOptions { MaxDegreeOfParallelism = _options.SetupConcurrency, CancellationToken = setup.Token },
                        async (i, ct) => slots[i] = await Connect(http, i, ct));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Error("setup did not finish within the setup timeout");
                }
            }
            clients.AddRange(slots.OfType<Client>());
            _clients = clients.ToArray();
            var setupTime = _clock.Elapsed;

            // Load window, then drain.
            _phase = LoadPhase.Load;
            var windowStart = _clock.Elapsed;
            var ackedBeforeWindow = Interlocked.Read(ref _acknowledged);
            var windowEnd = windowStart + _options.Duration;
            var drainEnd = windowEnd + _options.DrainTimeout;
            var offsets = new Random(_options.Seed);
            var period = _options.Mode == LoadMode.Rate ? _options.BatchInterval : TimeSpan.FromMilliseconds(50);
            var loops = clients.Where(c => c.Connected)
                .Select(c => Task.Run(() => ClientLoop(c, windowStart + period * offsets.NextDouble(), windowEnd, drainEnd, hard.Token)))
                .ToList();
            var untilWindowEnd = windowEnd - _clock.Elapsed;
            if (untilWindowEnd > TimeSpan.Zero) await Task.Delay(untilWindowEnd, hard.Token);
            var ackedInWindow = Interlocked.Read(ref _acknowledged) - ackedBeforeWindow;
            var loadTime = _clock.Elapsed - windowStart;
            _phase = LoadPhase.Drain;
            await Task.WhenAll(loops);
            var drainTime = _clock.Elapsed - windowEnd;

            // Verification: what the server holds for every session.
            _phase = LoadPhase.Verify;
            var outcomes = new SessionOutcome[clients.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, clients.Count),
                new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = hard.Token },
                async (i, ct) =>
                {
                    var c = clients[i];
                    outcomes[i] = new SessionOutcome(c.Token, c.Produced, c.Acked, await AskDurable(c, ct));
                });
            _phase = LoadPhase.Done;

            var latencies = new List<double>(clients.Sum(c => c.Latencies.Count));
            foreach (var c in clients) latencies.AddRange(c.Latencies);
            return new LoadResult
            {
                Options = _options,
                SessionsStarted = _sessions,
                ClientsConnected = _connected,
                SetupTime = setupTime,
                LoadTime = loadTime,
                DrainTime = drainTime,
                EventsProduced = Interlocked.Read(ref _produced),
                EventsSent = Interlocked.Read(ref _sent),
                EventsAcknowledged = Interlocked.Read(ref _acknowledged),
                EventsAcknowledgedInWindow = ackedInWindow,
                EventsDurable = outcomes.Sum(o => o.Durable ?? 0),
                BatchesAcknowledged = Interlocked.Read(ref _batches),
                Retries = Interlocked.Read(ref _retries),
                Timeouts = Interlocked.Read(ref _timeouts),
                Disconnects = Interlocked.Read(ref _disconnects),
                Reconnects = Interlocked.Read(ref _reconnects),
                AckLatency = LatencySummary.Of(latencies),
                FirstBatchLatency = LatencySummary.Of(clients.SelectMany(c => c.FirstLatencies).ToList()),
                Sessions = outcomes,
                Errors = new Dictionary<string, int>(_errors),
            };
        }
        finally
        {
            await progressStop.CancelAsync();
            await progress;
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) =>
            {
                try { await c.Connection.DisposeAsync(); }
                catch (Exception e) when (e is not OutOfMemoryException) { Error("closing a connection: " + e.GetType().Name); }
            });
        }
    }

    private async Task<Client?> Connect(HttpClient http, int index, CancellationToken ct)
    {
        // Setup is retried like everything else: on a flaky network a participant reloads the page.
        string? token = null;
        for (var attempt = 1; token is null; attempt++)
        {
            token = await StartSession(http, ct);
            if (token is null && attempt >= _options.MaxAttempts) return null;
            if (token is null) await Task.Delay(_options.RetryDelay, ct);
        }
        Interlocked.Increment(ref _sessions);

        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_options.BaseUrl, $"{HubPath}?session={Uri.EscapeDataString(token)}"), HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .Build();
        var client = new Client(index, token, connection);
        connection.Closed += _ =>
        {
            if (_phase is LoadPhase.Load or LoadPhase.Drain) Interlocked.Increment(ref _disconnects);
            return Task.CompletedTask;
        };
        for (var attempt = 1; attempt <= _options.MaxAttempts && !client.Connected; attempt++)
        {
            try
            {
                if (attempt > 1) await Task.Delay(_options.RetryDelay, ct);
                await connection.StartAsync(ct);
                client.Connected = true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Error("connecting: " + e.GetType().Name + ": " + e.Message);
            }
        }
        if (!client.Connected) return client;
        Interlocked.Increment(ref _connected);
        if (_options.PrimeSessions)
        {
            Produce(client, 1);
            if (!await SendBatch(client, ct, client.FirstLatencies)) client.Connected = false;
        }
        return client;
    }

    /// <summary>GET /s/{experiment}: the token of the new session, or null (the problem is recorded).</summary>
    private async Task<string?> StartSession(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync($"/s/{Uri.EscapeDataString(_options.ExperimentId)}", HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is not { } location)
            {
                Error($"starting a session answered {(int)response.StatusCode}, not 302 with a Location");
                return null;
            }
            var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
            if (!path.StartsWith("/p/", StringComparison.Ordinal) || path.Length <= 3)
            {
                Error("starting a session redirected to an unexpected address");
                return null;
            }
            return Uri.UnescapeDataString(path[3..]);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            Error("starting a session: " + e.GetType().Name + ": " + e.Message);
            return null;
        }
    }

    private async Task ClientLoop(Client c, TimeSpan start, TimeSpan windowEnd, TimeSpan drainEnd, CancellationToken hard)
    {
        try
        {
            var wait = start - _clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, hard);
            if (_options.Mode == LoadMode.Rate) await RateLoop(c, start, windowEnd, drainEnd, hard);
            else await SaturationLoop(c, windowEnd, drainEnd, hard);
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            Error("the run reached its hard time limit");
        }
    }

    private async Task RateLoop(Client c, TimeSpan start, TimeSpan windowEnd, TimeSpan drainEnd, CancellationToken hard)
    {
        using var timer = new PeriodicTimer(_options.BatchInterval);
        var before = c.Produced;
        while (true)
        {
            var now = _clock.Elapsed;
            var until = now < windowEnd ? now : windowEnd;
            var due = (long)Math.Floor(_options.EventsPerSecond * (until - start).TotalSeconds) + 1;
            Produce(c, before + due - c.Produced);
            while (c.Pending.Count > 0 && _clock.Elapsed < drainEnd)
                if (!await SendBatch(c, hard)) return;
            if (now >= windowEnd) return;
            if (!await timer.WaitForNextTickAsync(hard)) return;
        }
    }

    private async Task SaturationLoop(Client c, TimeSpan windowEnd, TimeSpan drainEnd, CancellationToken hard)
    {
        while (_clock.Elapsed < windowEnd)
        {
            Produce(c, _options.SaturationBatchSize);
            while (c.Pending.Count > 0 && _clock.Elapsed < drainEnd)
                if (!await SendBatch(c, hard)) return;
        }
    }

    private void Produce(Client c, long count)
    {
        if (count <= 0) return;
        var t = Math.Round(_clock.Elapsed.TotalMilliseconds, 1);
        for (var i = 0; i < count; i++)
            c.Pending.Add(new ClientEvent(t, "pen.move", _penPoints[(int)((c.Produced + i + c.Index * 7) % _penPoints.Count)]));
        c.Produced += count;
        Interlocked.Add(ref _produced, count);
    }

    /// <summary>
    /// Sends the oldest pending events as one batch until acknowledged. False when the client
    /// must stop: the server refused the batch, or it stayed unacknowledged after every attempt.
    /// </summary>
    private async Task<bool> SendBatch(Client c, CancellationToken hard, List<double>? latencies = null)
    {
        var count = Math.Min(c.Pending.Count, _options.MaxBatchEvents);
        var batch = new EventBatch(c.Acked + 1, _options.Step, c.Pending.GetRange(0, count));
        var first = Stopwatch.GetTimestamp();
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(_options.RetryDelay, hard);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hard);
            timeout.CancelAfter(_options.AckTimeout);
            try
            {
                if (c.Connection.State != HubConnectionState.Connected) await Reconnect(c, timeout.Token);
                if (c.Acked >= batch.Last) return true;
                Interlocked.Add(ref _sent, count);
                var durable = await c.Connection.InvokeAsync<long>("Append", c.Token, batch, timeout.Token);
                var latency = Stopwatch.GetElapsedTime(first).TotalMilliseconds;
                (latencies ?? c.Latencies).Add(latency);
                lock (_recentLock) _recentLatencies.Add(latency);
                Interlocked.Increment(ref _batches);
                Acknowledge(c, durable);
                return true;
            }
            catch (HubException e)
            {
                Error("refused by the server: " + e.Message);
                return false;
            }
            catch (OperationCanceledException) when (!hard.IsCancellationRequested)
            {
                Interlocked.Increment(ref _timeouts);
                Error("no acknowledgement within the ack timeout");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Error("sending: " + e.GetType().Name + ": " + e.Message);
            }
        }
        Error($"a batch stayed unacknowledged after {_options.MaxAttempts} attempts; the client gave up");
        return false;
    }

    /// <summary>Opens the connection again and learns what the server already holds, as the browser does after a reconnect.</summary>
    private async Task Reconnect(Client c, CancellationToken ct)
    {
        if (c.Connection.State == HubConnectionState.Disconnected)
        {
            await c.Connection.StartAsync(ct);
            Interlocked.Increment(ref _reconnects);
        }
        var durable = await c.Connection.InvokeAsync<long>("Durable", c.Token, ct);
        if (durable < c.Acked) Error($"after reconnecting the server holds events up to {durable} but had acknowledged {c.Acked}: acknowledged events were lost");
        Acknowledge(c, durable);
    }

    /// <summary>
    /// How many events each session has had acknowledged so far (by token); empty before setup
    /// is over. A fault test takes it right after killing the server: every event counted here
    /// was acknowledged by the server that died.
    /// </summary>
    public IReadOnlyDictionary<string, long> AcknowledgedNow() => _clients.ToDictionary(c => c.Token, c => c.Acked);

    private void Acknowledge(Client c, long durable)
    {
        if (durable <= c.Acked) return;
        var newly = (int)Math.Min(durable - c.Acked, c.Pending.Count);
        c.Pending.RemoveRange(0, newly);
        c.Acked = durable;
        Interlocked.Add(ref _acknowledged, newly);
    }

    private async Task<long?> AskDurable(Client c, CancellationToken hard)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hard);
            timeout.CancelAfter(_options.AckTimeout);
            try
            {
                if (c.Connection.State == HubConnectionState.Disconnected) await c.Connection.StartAsync(timeout.Token);
                return await c.Connection.InvokeAsync<long>("Durable", c.Token, timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !hard.IsCancellationRequested)
            {
                Error("asking for the durable count: " + e.GetType().Name + ": " + e.Message);
            }
        }
        return null;
    }

    private void Error(string message)
    {
        if (_errors.Count < MaxDistinctErrors || _errors.ContainsKey(message)) _errors.AddOrUpdate(message, 1, (_, n) => n + 1);
        else _errors.AddOrUpdate("(further distinct problems not recorded)", 1, (_, n) => n + 1);
    }

    private async Task ReportProgress(CancellationToken stop)
    {
        if (_options.Progress is not { } report) return;
        using var timer = new PeriodicTimer(_options.ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) report(Progress());
        }
        catch (OperationCanceledException) { }
        report(Progress());
    }

    private LoadProgress Progress()
    {
        List<double> recent;
        lock (_recentLock) (recent, _recentLatencies) = (_recentLatencies, []);
        return new LoadProgress(_phase, _clock.Elapsed, _sessions, _connected, Interlocked.Read(ref _produced), Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _retries))
        {
            RecentAckLatency = LatencySummary.Of(recent),
            Disconnects = Interlocked.Read(ref _disconnects),
            Reconnects = Interlocked.Read(ref _reconnects),
        };
    }

    /// <summary>One simulated participant; only its own loop touches it while the load runs.</summary>
    private sealed class Client(int index, string token, HubConnection connection)
    {
        public int Index { get; } = index;
        public string Token { get; } = token;
        public HubConnection Connection { get; } = connection;
        public bool Connected { get; set; }
        public List<ClientEvent> Pending { get; } = [];
        public long Produced { get; set; }
        private long _acked;
        // Read by AcknowledgedNow from other threads.
        public long Acked { get => Volatile.Read(ref _acked); set => Volatile.Write(ref _acked, value); }
        public List<double> Latencies { get; } = [];
        public List<double> FirstLatencies { get; } = [];
    }
}
