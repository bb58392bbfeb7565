using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Researcher;

/// <summary>
/// Pushes experiment progress to the researcher pages watching it, so they update without
/// polling: "progress" carries the dashboard's <see cref="ProgressSnapshot"/>, "experimentChanged"
/// tells pages computed from events (outcome table, live report) to fetch themselves again,
/// "experiments" tells the dashboard which experiments are served and which files are wrong.
/// </summary>
[Authorize(Policy = Policies.Viewing)]
public sealed class ResearcherHub(SessionService sessions, ProgressTracker progress) : Hub
{
    public const string Path = "/hubs/researcher";
    public const string AllExperiments = "*";

    /// <summary>Watch one experiment, or every experiment with "*"; answers with their progress now.</summary>
    public async Task<IReadOnlyList<ProgressSnapshot>> Watch(string experimentId)
    {
        var user = Context.User!;
        if (experimentId != AllExperiments && (sessions.History(experimentId) is null || !user.MemberOf(experimentId)))
            throw new HubException($"no experiment '{experimentId}'");
        // A non-owner watching "everything" watches the experiments they are a member of, one by one.
        var watched = experimentId == AllExperiments && user.RoleOf() != SelfRef.Core.Accounts.Role.Owner
            ? sessions.ExperimentIds.Where(user.MemberOf).ToList()
            : [experimentId];
        foreach (var group in watched) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        return experimentId == AllExperiments
            ? sessions.ExperimentIds.Where(user.MemberOf).Order(StringComparer.Ordinal).Select(progress.Snapshot).ToList()
            : [progress.Snapshot(experimentId)];
    }
}

/// <summary>
/// Every session of every experiment, summarised and kept current from the session service's
/// changes and signs of life, so a snapshot costs a pass over small in-memory records and no
/// database read. An experiment that appears while serving (a new file) is read when first asked for.
/// </summary>
public sealed class ProgressTracker
{
    private readonly SessionService _sessions;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _activeWithin;
    private readonly ConcurrentDictionary<string, Lazy<ConcurrentDictionary<string, SessionSummary>>> _byExperiment = new(StringComparer.Ordinal);
    // With a shared store other instances change sessions this one never hears of: its summaries
    // are read again from the store, at most once a second per experiment (the notifier sends at
    // most twice a second), so the dashboard shows the same numbers whichever instance sends them.
    private static readonly TimeSpan SharedRefresh = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, DateTime> _readAt = new(StringComparer.Ordinal);

    public ProgressTracker(SessionService sessions, IStore store, TimeProvider time, IOptions<SelfRefOptions> options)
    {
        _sessions = sessions;
        _store = store;
        _time = time;
        _activeWithin = TimeSpan.FromSeconds(options.Value.ActiveWithinSeconds);
        // Listen first, then read what is stored: a change in between is kept, and the stored copy never replaces it.
        sessions.Changed += session =>
            SummariesOf(session.ExperimentId)[session.Id] = SessionSummary.Of(session, sessions.LastSeen(session), sessions.LastEventOf(session.Id));
        sessions.Seen += session => SummariesOf(session.ExperimentId).AddOrUpdate(session.Id,
            _ => SessionSummary.Of(session, sessions.LastSeen(session), sessions.LastEventOf(session.Id)),
            (_, known) => known with { LastSeenAt = sessions.LastSeen(session), LastEvent = sessions.LastEventOf(session.Id) ?? known.LastEvent });
        sessions.Removed += session => SummariesOf(session.ExperimentId).TryRemove(session.Id, out _);
        foreach (var id in sessions.ExperimentIds) SummariesOf(id);
    }

    private ConcurrentDictionary<string, SessionSummary> SummariesOf(string experimentId) => _byExperiment.GetOrAdd(experimentId, id => new(() =>
    {
        var summaries = new ConcurrentDictionary<string, SessionSummary>(StringComparer.Ordinal);
        foreach (var session in _store.SessionsOf(id)) summaries.TryAdd(session.Id, SessionSummary.Of(session, _sessions.LastSeen(session), _sessions.LastEventOf(session.Id)));
        return summaries;
    })).Value;

    /// <summary>The experiment's summaries as stored now (with this instance's later signs of life), unless read within <see cref="SharedRefresh"/>.</summary>
    private void ReadAgain(string experimentId)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (_readAt.TryGetValue(experimentId, out var at) && now - at < SharedRefresh) return;
        _readAt[experimentId] = now;
        var summaries = SummariesOf(experimentId);
        var stored = _store.SessionsOf(experimentId);
        foreach (var session in stored) summaries[session.Id] = SessionSummary.Of(session, _sessions.LastSeen(session), _sessions.LastEventOf(session.Id));
        var ids = stored.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in summaries.Keys.Where(id => !ids.Contains(id)).ToList()) summaries.TryRemove(gone, out _);
    }

    /// <summary>Whether the experiment has a session in progress (whose "active now" may lapse without any change).</summary>
    public bool HasActive(string experimentId) => SummariesOf(experimentId).Any(s => s.Value.Status == SessionStatus.Active);

    public ProgressSnapshot Snapshot(string experimentId)
    {
        var history = _sessions.History(experimentId) ?? throw new KeyNotFoundException($"no experiment '{experimentId}'");
        if (_store.Shared) ReadAgain(experimentId);
        var served = history.Current;
        var types = history.Readable().Reverse().SelectMany(v => v.Experiment.Steps).DistinctBy(s => s.Id).ToDictionary(s => s.Id, s => StepTypes.Of(s).Name, StringComparer.Ordinal);
        var snapshot = ProgressSnapshot.Of(history.Latest,
            served is null ? ExperimentStatus.Closed : _sessions.Status(experimentId), _sessions.SetStatusOf(experimentId),
            SummariesOf(experimentId).Select(s => s.Value), _time.GetUtcNow().UtcDateTime, _activeWithin, types.GetValueOrDefault);
        return served is null ? snapshot with { Status = "not served", Served = false } : snapshot;
    }
}

/// <summary>
/// Tells watching researchers that an experiment's sessions or status changed, with its new
/// progress; at most about twice a second per experiment, however many participants are busy.
/// While sessions are in progress it also tells them every few seconds, since "active now" lapses
/// by silence alone. Changes of the experiment files go to the dashboard as "experiments".
/// </summary>
public sealed class ExperimentNotifier : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly IHubContext<ResearcherHub> _hub;
    private readonly ProgressTracker _progress;
    private readonly SessionService _sessions;
    private readonly HashSet<string> _pending = [];
    private readonly Lock _lock = new();
    private readonly Timer _lapse;

    public ExperimentNotifier(SessionService sessions, ProgressTracker progress, IHubContext<ResearcherHub> hub, ExperimentCatalog catalog, IOptions<SelfRefOptions> options)
    {
        _hub = hub;
        _progress = progress;
        _sessions = sessions;
        sessions.Changed += session => Notify(session.ExperimentId);
        sessions.Seen += session => Notify(session.ExperimentId);
        sessions.Removed += session => Notify(session.ExperimentId);
        sessions.StatusChanged += Notify;
        catalog.Changed += update => Task.Run(async () =>
        {
            await _hub.Clients.Group(ResearcherHub.AllExperiments).SendAsync("experiments", ExperimentsMessage.Of(catalog));
            foreach (var id in sessions.ExperimentIds) Notify(id);
        });
        var every = TimeSpan.FromSeconds(Math.Clamp(options.Value.ActiveWithinSeconds / 4, 5, 30));
        _lapse = new Timer(_ =>
        {
            foreach (var id in _sessions.ExperimentIds.Where(_progress.HasActive)) Notify(id);
        }, null, every, every);
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

    public void Dispose() => _lapse.Dispose();
}

/// <summary>What the dashboard hears when the experiment files change: the experiments served, and the files that are wrong with their errors.</summary>
public sealed record ExperimentsMessage(IReadOnlyList<string> Served, IReadOnlyList<FileProblemView> Problems)
{
    public static ExperimentsMessage Of(ExperimentCatalog catalog) => new(
        catalog.Experiments.Select(e => e.Id).ToList(),
        catalog.Problems.Select(FileProblemView.Of).ToList());
}

/// <summary>A wrong file as the dashboard lists it.</summary>
public sealed record FileProblemView(string File, string? Kept, string? KeptVersion, IReadOnlyList<string> Errors)
{
    public static FileProblemView Of(ExperimentFileProblem problem) => new(
        problem.File, problem.KeptExperiment, problem.KeptVersion?.Short,
        problem.Errors.Select(e => $"{e.JsonPath}: {e.Message}").ToList());

    /// <summary>What is served meanwhile, in a sentence.</summary>
    public string Consequence => Kept is null
        ? "Nothing is served from this file until it is valid."
        : $"Experiment {Kept} keeps running its last valid version ({KeptVersion}) until the file is valid again.";
}
