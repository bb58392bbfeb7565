using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Researcher;

/// <summary>
/// Pushes experiment progress to the researcher pages watching it, so they update without
/// polling: "progress" carries the dashboard's <see cref="ProgressSnapshot"/>, "experimentChanged"
/// tells pages computed from events (outcome table, live report) to fetch themselves again.
/// </summary>
[Authorize]
public sealed class ResearcherHub(SessionService sessions, ProgressTracker progress) : Hub
{
    public const string Path = "/hubs/researcher";
    public const string AllExperiments = "*";

    /// <summary>Watch one experiment, or every experiment with "*"; answers with their progress now.</summary>
    public async Task<IReadOnlyList<ProgressSnapshot>> Watch(string experimentId)
    {
        if (experimentId != AllExperiments && sessions.Experiment(experimentId) is null)
            throw new HubException($"no experiment '{experimentId}'");
        await Groups.AddToGroupAsync(Context.ConnectionId, experimentId);
        return experimentId == AllExperiments
            ? sessions.Experiments.OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => progress.Snapshot(e.Id)).ToList()
            : [progress.Snapshot(experimentId)];
    }
}

/// <summary>
/// Every session of every experiment, summarised and kept current from the session service's
/// changes, so a snapshot costs a pass over small in-memory records and no database read.
/// </summary>
public sealed class ProgressTracker
{
    private readonly SessionService _sessions;
    private readonly Dictionary<string, ConcurrentDictionary<string, SessionSummary>> _byExperiment;

    public ProgressTracker(SessionService sessions, IStore store)
    {
        _sessions = sessions;
        _byExperiment = sessions.Experiments.ToDictionary(e => e.Id, _ => new ConcurrentDictionary<string, SessionSummary>());
        // Listen first, then read what is stored: a change in between is kept, and the stored copy never replaces it.
        sessions.Changed += session =>
        {
            if (_byExperiment.TryGetValue(session.ExperimentId, out var summaries)) summaries[session.Id] = SessionSummary.Of(session);
        };
        sessions.Removed += session =>
        {
            if (_byExperiment.TryGetValue(session.ExperimentId, out var summaries)) summaries.TryRemove(session.Id, out _);
        };
        foreach (var (id, summaries) in _byExperiment)
            foreach (var session in store.SessionsOf(id)) summaries.TryAdd(session.Id, SessionSummary.Of(session));
    }

    public ProgressSnapshot Snapshot(string experimentId) => ProgressSnapshot.Of(
        _sessions.Experiment(experimentId) ?? throw new KeyNotFoundException($"no experiment '{experimentId}'"),
        _sessions.Status(experimentId), _sessions.SetStatusOf(experimentId), _byExperiment[experimentId].Values.ToList());
}

/// <summary>
/// Tells watching researchers that an experiment's sessions or status changed, with its new
/// progress; at most about twice a second per experiment, however many participants are busy.
/// </summary>
public sealed class ExperimentNotifier
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly IHubContext<ResearcherHub> _hub;
    private readonly ProgressTracker _progress;
    private readonly HashSet<string> _pending = [];
    private readonly Lock _lock = new();

    public ExperimentNotifier(SessionService sessions, ProgressTracker progress, IHubContext<ResearcherHub> hub)
    {
        _hub = hub;
        _progress = progress;
        sessions.Changed += session => Notify(session.ExperimentId);
        sessions.Removed += session => Notify(session.ExperimentId);
        sessions.StatusChanged += Notify;
    }

    private void Notify(string experimentId)
    {
        lock (_lock)
            if (!_pending.Add(experimentId)) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(Quiet);
            // Taken off the list before the snapshot is made: a change after this point schedules the next one.
            lock (_lock) _pending.Remove(experimentId);
            var watchers = _hub.Clients.Groups(experimentId, ResearcherHub.AllExperiments);
            await watchers.SendAsync("progress", _progress.Snapshot(experimentId));
            await watchers.SendAsync("experimentChanged", experimentId);
        });
    }
}
