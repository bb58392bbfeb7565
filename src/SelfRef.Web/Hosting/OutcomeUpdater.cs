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
public sealed class OutcomeUpdater(SessionService sessions, ILogger<OutcomeUpdater> log) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = [];

    public void Request(Session session)
    {
        lock (_queued)
            if (!_queued.Add(session.Token)) return;
        _queue.Writer.TryWrite(session.Token);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var derived = await sessions.Rederive(null, RederiveScope.Missing);
            if (derived > 0) log.LogInformation("Derived the outcomes of {Count} session(s) that had none stored", derived);
        }
        catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Deriving outcomes never derived failed"); }
        try { await Work(stoppingToken); }
        // Stopping (also when the server could not start, e.g. its port is taken) is not a failure to report.
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task Work(CancellationToken stoppingToken)
    {
        await foreach (var token in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            lock (_queued) _queued.Remove(token);
            try
            {
                if (sessions.Find(token) is { } session) await sessions.UpdateOutcomes(session);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Deriving the outcomes of a session again failed; its stored outcomes stay as they were");
            }
        }
    }
}
