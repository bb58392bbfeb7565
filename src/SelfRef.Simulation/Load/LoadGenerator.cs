using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Core.Events;
using SelfRef.Simulation.Protocol;

namespace SelfRef.Simulation.Load;

/// <summary>Calls a run's progress callback at its interval until stopped, and once more at the end.</summary>
internal static class ProgressReport
{
    public static async Task Run(Action<LoadProgress>? report, TimeSpan interval, Func<LoadProgress> progress, CancellationToken stop)
    {
        if (report is null) return;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) report(progress());
        }
        catch (OperationCanceledException) { }
        report(progress());
    }
}

/// <summary>
/// Simulates participants the way the browser does it: each starts a session through the
/// participant link (GET /s/{experiment}, 302 to /p/{token}), opens its own SignalR connection
/// bound to that session, and sends its events in sequence-numbered batches, one batch in flight,
/// re-sending until the server acknowledges them as durable. At the end every session's
/// durable count is asked for and compared with the events produced.
/// </summary>
public sealed class LoadGenerator
{
    public const string HubPath = ParticipantLink.HubPath;
    private const int MaxDistinctErrors = 40;

    private readonly LoadOptions _options;
    private readonly IReadOnlyList<JsonElement> _penPoints;
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly Stopwatch _clock = new();
    private readonly SendCounters _counters;
    private readonly SendPolicy _policy;
    private long _produced, _disconnects;
    private int _sessions, _connected;
    private volatile LoadPhase _phase = LoadPhase.Setup;
    // The connected clients once setup is over, for AcknowledgedNow.
    private volatile IReadOnlyList<Client> _clients = [];
    // The end of the load window on _clock (ticks); Until can bring it forward while clients run.
    private long _windowEnd = long.MaxValue;
    private static readonly TimeSpan UntilPoll = TimeSpan.FromMilliseconds(50);

    private TimeSpan WindowEnd
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _windowEnd));
        set => Interlocked.Exchange(ref _windowEnd, value.Ticks);
    }

    private TimeSpan DrainEnd => WindowEnd == TimeSpan.MaxValue ? TimeSpan.MaxValue : WindowEnd + _options.DrainTimeout;

    public LoadGenerator(LoadOptions options)
    {
        options.Validate();
        _options = options;
        _counters = new SendCounters { KeepRecentLatencies = options.Progress is not null };
        _policy = new SendPolicy { MaxBatchEvents = options.MaxBatchEvents, AckTimeout = options.AckTimeout, RetryDelay = options.RetryDelay, MaxAttempts = options.MaxAttempts };
        var random = new Random(options.Seed);
        // What pen.js logs once per frame while drawing: a stroke's points since the last frame ([x, y, t, pressure, tiltX, tiltY]).
        _penPoints = Enumerable.Range(0, 256)
            .Select(i => JsonSerializer.SerializeToElement(new
            {
                s = i / 32,
                pts = new[] { new[] { Math.Round(random.NextDouble(), 4), Math.Round(random.NextDouble(), 4), Math.Round(i * 16.7, 2), Math.Round(0.2 + 0.6 * random.NextDouble(), 3), 0, 0 } },
            }))
            .ToList();
    }

    public static Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken = default) =>
        new LoadGenerator(options).RunAsync(cancellationToken);

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(_options.HardLimit);
        _clock.Restart();
        var instances = _options.Instances;
        var https = instances.Select(url => ParticipantLink.Client(url, _options.SetupConcurrency)).ToList();

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
                        async (i, ct) => slots[i] = await Connect(https[i % https.Count], instances[i % instances.Count], i, ct));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Error("setup did not finish within the setup timeout");
                }
            }
            clients.AddRange(slots.OfType<Client>());
            _clients = clients.ToArray();
            var setupTime = _clock.Elapsed;

            // Load window (until Duration, or earlier once Until is met), then drain.
            _phase = LoadPhase.Load;
            var windowStart = _clock.Elapsed;
            var ackedBeforeWindow = _counters.Acknowledged;
            WindowEnd = windowStart + _options.Duration;
            var offsets = new Random(_options.Seed);
            var period = _options.Mode == LoadMode.Rate ? _options.BatchInterval : TimeSpan.FromMilliseconds(50);
            var loops = clients.Where(c => c.Connected)
                .Select(c => Task.Run(() => ClientLoop(c, windowStart + period * offsets.NextDouble(), hard.Token)))
                .ToList();
            var untilMet = false;
            while (_clock.Elapsed < WindowEnd)
            {
                if (_options.Until is { } until && until(Counts()))
                {
                    untilMet = true;
                    WindowEnd = _clock.Elapsed;
                    break;
                }
                var left = WindowEnd - _clock.Elapsed;
                if (left > TimeSpan.Zero) await Task.Delay(_options.Until is null ? left : TimeSpan.FromTicks(Math.Min(left.Ticks, UntilPoll.Ticks)), hard.Token);
            }
            var windowEnd = WindowEnd;
            var ackedInWindow = _counters.Acknowledged - ackedBeforeWindow;
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
                    outcomes[i] = new SessionOutcome(c.Token, c.Outbox.Produced, c.Outbox.Acked, await c.Outbox.AskDurable(ct));
                });
            _phase = LoadPhase.Done;

            var latencies = new List<double>(clients.Sum(c => c.Latencies.Count));
            foreach (var c in clients) latencies.AddRange(c.Latencies);
            var perInstance = instances.Select((url, k) =>
            {
                var theirs = clients.Where(c => c.Index % instances.Count == k).ToList();
                return new InstanceResult(url, theirs.Count, theirs.Sum(c => c.Outbox.Acked), LatencySummary.Of(theirs.SelectMany(c => c.Latencies).ToList()));
            }).ToList();
            return new LoadResult
            {
                Options = _options,
                SessionsStarted = _sessions,
                ClientsConnected = _connected,
                SetupTime = setupTime,
                LoadTime = loadTime,
                DrainTime = drainTime,
                EventsProduced = Interlocked.Read(ref _produced),
                EventsSent = _counters.Sent,
                EventsAcknowledged = _counters.Acknowledged,
                EventsAcknowledgedInWindow = ackedInWindow,
                EventsDurable = outcomes.Sum(o => o.Durable ?? 0),
                BatchesAcknowledged = _counters.Batches,
                Retries = _counters.Retries,
                Timeouts = _counters.Timeouts,
                Disconnects = Interlocked.Read(ref _disconnects),
                Reconnects = _counters.Reconnects,
                AckLatency = LatencySummary.Of(latencies),
                FirstBatchLatency = LatencySummary.Of(clients.SelectMany(c => c.FirstLatencies).ToList()),
                Sessions = outcomes,
                PerInstance = perInstance,
                Errors = new Dictionary<string, int>(_errors),
                UntilMet = untilMet,
            };
        }
        finally
        {
            foreach (var http in https) http.Dispose();
            await progressStop.CancelAsync();
            await progress;
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) =>
            {
                try { await c.Outbox.Connection.DisposeAsync(); }
                catch (Exception e) when (e is not OutOfMemoryException) { Error("closing a connection: " + e.GetType().Name); }
            });
        }
    }

    private async Task<Client?> Connect(HttpClient http, Uri baseUrl, int index, CancellationToken ct)
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
        // Through consent and instructions to the step the load is for, as the participant clicks; tried again like everything else.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ParticipantLink.AdvanceTo(http, token, _options.Step, ct);
                break;
            }
            catch (Exception e) when (e is ParticipantProtocolException or HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                Error("going on to the load's step: " + e.Message);
                if (attempt >= _options.MaxAttempts) return null;
                await Task.Delay(_options.RetryDelay, ct);
            }
        }

        var connection = ParticipantLink.Hub(baseUrl, token);
        var client = new Client(index, new EventOutbox(token, connection, _policy, _counters, Error));
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
            if (!await client.Outbox.SendNext(ct, client.FirstLatencies)) client.Connected = false;
        }
        return client;
    }

    /// <summary>GET /s/{experiment}: the token of the new session, or null (the problem is recorded).</summary>
    private async Task<string?> StartSession(HttpClient http, CancellationToken ct)
    {
        try
        {
            return await ParticipantLink.StartSession(http, _options.ExperimentId, "", ct);
        }
        catch (ParticipantProtocolException e)
        {
            Error(e.Message);
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            Error("starting a session: " + e.GetType().Name + ": " + e.Message);
            return null;
        }
    }

    /// <summary>
    /// How many events each session has had acknowledged so far (by token); empty before setup
    /// is over. A fault test takes it right after killing the server: every event counted here
    /// was acknowledged by the server that died.
    /// </summary>
    public IReadOnlyDictionary<string, long> AcknowledgedNow() => _clients.ToDictionary(c => c.Token, c => c.Outbox.Acked);

    private async Task ClientLoop(Client c, TimeSpan start, CancellationToken hard)
    {
        try
        {
            var wait = start - _clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, hard);
            if (_options.Mode == LoadMode.Rate) await RateLoop(c, start, hard);
            else await SaturationLoop(c, hard);
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            Error("the run reached its hard time limit");
        }
    }

    private async Task RateLoop(Client c, TimeSpan start, CancellationToken hard)
    {
        using var timer = new PeriodicTimer(_options.BatchInterval);
        var before = c.Outbox.Produced;
        while (true)
        {
            var now = _clock.Elapsed;
            var windowEnd = WindowEnd;
            var until = now < windowEnd ? now : windowEnd;
            var due = (long)Math.Floor(_options.EventsPerSecond * (until - start).TotalSeconds) + 1;
            Produce(c, before + due - c.Outbox.Produced);
            while (c.Outbox.PendingCount > 0 && _clock.Elapsed < DrainEnd)
                if (!await c.Outbox.SendNext(hard, c.Latencies)) return;
            if (now >= windowEnd) return;
            if (!await timer.WaitForNextTickAsync(hard)) return;
        }
    }

    private async Task SaturationLoop(Client c, CancellationToken hard)
    {
        while (_clock.Elapsed < WindowEnd)
        {
            Produce(c, _options.SaturationBatchSize);
            while (c.Outbox.PendingCount > 0 && _clock.Elapsed < DrainEnd)
                if (!await c.Outbox.SendNext(hard, c.Latencies)) return;
        }
    }

    private void Produce(Client c, long count)
    {
        if (count <= 0) return;
        var t = Math.Round(_clock.Elapsed.TotalMilliseconds, 1);
        var produced = c.Outbox.Produced;
        c.Outbox.Add(_options.Step, Enumerable.Range(0, (int)count)
            .Select(i => new ClientEvent(t, "pen.points", _penPoints[(int)((produced + i + c.Index * 7) % _penPoints.Count)])));
        Interlocked.Add(ref _produced, count);
    }

    private void Error(string message)
    {
        if (_errors.Count < MaxDistinctErrors || _errors.ContainsKey(message)) _errors.AddOrUpdate(message, 1, (_, n) => n + 1);
        else _errors.AddOrUpdate("(further distinct problems not recorded)", 1, (_, n) => n + 1);
    }

    private Task ReportProgress(CancellationToken stop) => ProgressReport.Run(_options.Progress, _options.ProgressInterval, Progress, stop);

    private LoadProgress Progress() => Counts() with { RecentAckLatency = LatencySummary.Of(_counters.TakeRecentLatencies()) };

    /// <summary>Where the run is, without the recent latencies (which only the progress report takes).</summary>
    private LoadProgress Counts() =>
        new(_phase, _clock.Elapsed, _sessions, _connected, Interlocked.Read(ref _produced), _counters.Acknowledged, _counters.Retries)
        {
            Disconnects = Interlocked.Read(ref _disconnects),
            Reconnects = _counters.Reconnects,
        };

    /// <summary>One simulated participant; only its own loop touches it while the load runs.</summary>
    private sealed class Client(int index, EventOutbox outbox)
    {
        public int Index { get; } = index;
        public string Token => Outbox.Token;
        public EventOutbox Outbox { get; } = outbox;
        public bool Connected { get; set; }
        public List<double> Latencies { get; } = [];
        public List<double> FirstLatencies { get; } = [];
    }
}
