using System.Threading.Channels;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Derives outcomes again when what they read changes away from the participant's own requests
/// (which derive at once, see SessionService.Advance): events of a step already left, sent late
/// after a reload or from a second tab. Requests queue and are taken one session at a time, a
/// session once however often it was asked for meanwhile. At start it derives the outcomes that
/// were never derived (sessions stored before outcomes were), so every page reads stored rows.
/// </summary>
public sealed class OutcomeUpdater : BackgroundService
{
    private readonly SessionService _sessions;
    private readonly ILogger<OutcomeUpdater> _log;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    // The steps whose events came in late, per session queued.
    private readonly Dictionary<string, HashSet<string>> _queued = new(StringComparer.Ordinal);

    public OutcomeUpdater(SessionService sessions, ILogger<OutcomeUpdater> log)
    {
        _sessions = sessions;
        _log = log;
        sessions.DeriveLater += (session, steps) => Request(session.Token, steps);
    }

    /// <summary>Events of the step came in after the participant left it.</summary>
    public void Request(Session session, string stepId) => Request(session.Token, [stepId]);

    private void Request(string token, IEnumerable<string> stepIds)
    {
        lock (_queued)
        {
            if (_queued.TryGetValue(token, out var steps))
            {
                steps.UnionWith(stepIds);
                return;
            }
            _queued[token] = new HashSet<string>(stepIds, StringComparer.Ordinal);
        }
        _queue.Writer.TryWrite(token);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var derived = await _sessions.Rederive(null, RederiveScope.Missing);
            if (derived > 0) _log.LogInformation("Derived the outcomes of {Count} session(s) that had none stored", derived);
        }
        catch (Exception e) when (e is not OperationCanceledException) { _log.LogError(e, "Deriving outcomes never derived failed"); }
        try { await Drain(stoppingToken); }
        // Stopping (or a start that failed, e.g. the port in use) is not a fault.
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>
    /// A derivation that failed (the store did not answer) is tried again after RetryAfter, then
    /// after twice as long each time up to <see cref="MaxRetryAfter"/>, <see cref="Tries"/> times
    /// in all (about half an hour: longer than a database restart or failover).
    /// </summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);
    public const int Tries = 10;

    private async Task Drain(CancellationToken stoppingToken)
    {
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var token in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            HashSet<string>? steps;
            lock (_queued) _queued.Remove(token, out steps);
            if (steps is null) continue;
            try
            {
                if (_sessions.Find(token) is { } session) await _sessions.UpdateOutcomes(session, steps);
                failures.Remove(token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Nothing else derives these steps again (their stored outcomes look current), so the request is kept.
                var tries = failures[token] = failures.GetValueOrDefault(token) + 1;
                if (tries >= Tries)
                {
                    failures.Remove(token);
                    _log.LogError(e, "Deriving the outcomes of a session again failed {Tries} times; its stored outcomes stay as they were (`rederive --all` derives them again)", tries);
                    continue;
                }
                var after = TimeSpan.FromTicks(Math.Min(MaxRetryAfter.Ticks, RetryAfter.Ticks << Math.Min(tries - 1, 16)));
                _log.LogWarning(e, "Deriving the outcomes of a session again failed; tried again in {Seconds} s", after.TotalSeconds);
                _ = RequestLater(token, steps, after, stoppingToken);
            }
        }
    }

    private async Task RequestLater(string token, HashSet<string> steps, TimeSpan after, CancellationToken stoppingToken)
    {
        try { await Task.Delay(after, stoppingToken); }
        catch (OperationCanceledException) { return; }
        Request(token, steps);
    }
}
