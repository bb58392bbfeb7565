using System.Collections.Concurrent;
using System.Diagnostics;
using SelfRef.Core.Gazetteer;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Protocol;

namespace SelfRef.Simulation.Load;

/// <summary>
/// Browser-shaped load: <see cref="BrowserLoadOptions.Clients"/> browsers, each running one
/// participant after another through the whole experiment (<see cref="BrowserVisit"/>: what
/// wwwroot/js/outbox.js and the task modules really send — many small batches, one in flight per
/// tab — with second tabs and reloads), while every few seconds a participant under way
/// withdraws. The first participants arrive spread over the ramp; a browser whose participant
/// left gets the next one after a short gap. When the window closes nobody new arrives, whoever
/// is under way stops and waits (within the drain) for their events to be acknowledged.
/// </summary>
public sealed class BrowserLoadGenerator
{
    private static readonly TimeSpan UntilPoll = TimeSpan.FromMilliseconds(50);
    private readonly BrowserLoadOptions _options;
    private readonly BrowserRun _run;
    private readonly ParticipantGenerator _participants;
    private readonly ConcurrentDictionary<int, BrowserVisit> _live = new();
    private readonly ConcurrentQueue<VisitOutcome> _visits = new();
    private volatile LoadPhase _phase = LoadPhase.Setup;
    private int _nextIndex, _started, _completed, _declined, _withdrawn, _droppedOut, _failed;

    public BrowserLoadGenerator(BrowserLoadOptions options, Gazetteer gazetteer)
    {
        options.Validate();
        _options = options;
        _run = new BrowserRun(options);
        _participants = new ParticipantGenerator(options.Behaviour, new Places(gazetteer), options.Seed);
    }

    /// <summary>The run's clock (zero until it starts): marks taken elsewhere, e.g. from the server's log, go on the same time line.</summary>
    public TimeSpan Elapsed => _run.Clock.Elapsed;

    public static Task<BrowserLoadResult> RunAsync(BrowserLoadOptions options, Gazetteer gazetteer, CancellationToken cancellationToken = default) =>
        new BrowserLoadGenerator(options, gazetteer).RunAsync(cancellationToken);

    public async Task<BrowserLoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(_options.HardLimit);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(hard.Token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(hard.Token);
        using var http = ParticipantLink.Client(_options.BaseUrl, _options.HttpConnections);
        _run.Clock.Restart();
        using var progressStop = new CancellationTokenSource();
        var progress = ReportProgress(progressStop.Token);
        try
        {
            _phase = LoadPhase.Load;
            var browsers = Enumerable.Range(0, _options.Clients)
                .Select(b => Task.Run(() => Browser(b, http, stop.Token, limit.Token)))
                .ToList();
            var withdrawals = Task.Run(() => Withdrawals(stop.Token));

            var untilMet = false;
            while (_run.Clock.Elapsed < _options.Duration)
            {
                if (_options.Until is { } until && until(Counts()))
                {
                    untilMet = true;
                    break;
                }
                var left = _options.Duration - _run.Clock.Elapsed;
                if (left > TimeSpan.Zero) await Task.Delay(_options.Until is null ? left : TimeSpan.FromTicks(Math.Min(left.Ticks, UntilPoll.Ticks)), hard.Token);
            }
            var loadTime = _run.Clock.Elapsed;
            var ackedInWindow = _run.Counters.Acknowledged;

            _phase = LoadPhase.Drain;
            await stop.CancelAsync();
            limit.CancelAfter(_options.DrainTimeout);
            await withdrawals;
            await Task.WhenAll(browsers);
            var drainTime = _run.Clock.Elapsed - loadTime;
            _phase = LoadPhase.Done;

            return new BrowserLoadResult
            {
                Options = _options,
                LoadTime = loadTime,
                DrainTime = drainTime,
                UntilMet = untilMet,
                EventsProduced = _run.Produced,
                EventsSent = _run.Counters.Sent,
                EventsAcknowledged = _run.Counters.Acknowledged,
                EventsAcknowledgedInWindow = ackedInWindow,
                BatchesAcknowledged = _run.Counters.Batches,
                Retries = _run.Counters.Retries,
                Disconnects = _run.Disconnects,
                Reconnects = _run.Counters.Reconnects,
                SecondTabs = _run.SecondTabs,
                Reloads = _run.Reloads,
                ReloadsAfterStoredBatch = _run.ReloadsAfterStoredBatch,
                AckLatency = _run.Latency.Summary(),
                PlacesLatency = _run.Places.Summary(),
                ScheduleLag = _run.Lag.Summary(),
                Visits = [.. _visits],
                Withdrawals = [.. _run.Withdrawals.OrderBy(w => w.At)],
                Errors = _run.Errors,
            };
        }
        finally
        {
            await progressStop.CancelAsync();
            await progress;
        }
    }

    /// <summary>One browser: participants one after another, the first after its share of the ramp.</summary>
    private async Task Browser(int browser, HttpClient http, CancellationToken stop, CancellationToken limit)
    {
        var random = Seeds.Random(_options.Seed, browser, "browser-arrivals");
        try
        {
            await Task.Delay(_options.Ramp * browser / _options.Clients, stop);
            while (!stop.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref _nextIndex) - 1;
                var visit = new BrowserVisit(_run, http, _participants, index, stop, limit);
                _live[index] = visit;
                Interlocked.Increment(ref _started);
                var outcome = await visit.Run();
                _live.TryRemove(index, out _);
                Count(outcome);
                // The next participant opens the link a moment later.
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 2000)), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private void Count(VisitOutcome outcome)
    {
        _visits.Enqueue(outcome);
        _ = outcome.End switch
        {
            VisitEnd.Completed => Interlocked.Increment(ref _completed),
            VisitEnd.Declined => Interlocked.Increment(ref _declined),
            VisitEnd.Withdrawn => Interlocked.Increment(ref _withdrawn),
            VisitEnd.DroppedOut => Interlocked.Increment(ref _droppedOut),
            VisitEnd.Failed => Interlocked.Increment(ref _failed),
            _ => 0,
        };
    }

    /// <summary>Every WithdrawEvery, one participant under way (chosen at random among those with something acknowledged) withdraws.</summary>
    private async Task Withdrawals(CancellationToken stop)
    {
        if (_options.WithdrawEvery is not { } every) return;
        var random = Seeds.Random(_options.Seed, 0, "withdrawals");
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var candidates = _live.Values.OrderBy(v => v.Index).ToList();
                // Try them in a random order until one has something to withdraw.
                for (var tries = candidates.Count; tries > 0; tries--)
                {
                    var i = random.Next(tries);
                    if (candidates[i].TryRequestWithdrawal()) break;
                    candidates[i] = candidates[tries - 1];
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private Task ReportProgress(CancellationToken stop) => ProgressReport.Run(_options.Progress, _options.ProgressInterval, Progress, stop);

    private LoadProgress Progress() => Counts() with { RecentAckLatency = LatencySummary.Of(_run.Counters.TakeRecentLatencies()) };

    private LoadProgress Counts()
    {
        var now = Stopwatch.GetTimestamp();
        double inflight = 0, pending = 0;
        var tabs = 0;
        foreach (var tab in _run.Tabs.Keys)
        {
            tabs++;
            inflight = Math.Max(inflight, tab.InflightMs(now));
            pending = Math.Max(pending, tab.OldestPendingMs(now));
        }
        return new LoadProgress(_phase, _run.Clock.Elapsed, _started, tabs, _run.Produced, _run.Counters.Acknowledged, _run.Counters.Retries)
        {
            Disconnects = _run.Disconnects,
            Reconnects = _run.Counters.Reconnects,
            Browser = new BrowserCounts(_live.Count, _started, _completed, _declined, _withdrawn, _droppedOut, _failed,
                tabs, _run.SecondTabs, _run.Reloads, _run.ReloadsAfterStoredBatch, _run.Withdrawals.Count, inflight, pending),
        };
    }
}
