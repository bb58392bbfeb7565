using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Researcher;

/// <summary>What the dashboard needs of one session; small enough to keep for every session in memory.</summary>
/// <param name="LastSeenAt">The last sign of life (a request or an event batch), as the server saw it.</param>
/// <param name="OnStepSince">When the session entered its current step.</param>
/// <param name="LastEvent">The last event received since the server started (type and time).</param>
public sealed record SessionSummary(
    string Id, string ConditionId, IReadOnlyList<string> Steps, int StepIndex, SessionStatus Status, DateTime LastSeenAt, DateTime? EndedAt,
    bool Pilot = false, bool Excluded = false, DateTime? OnStepSince = null, LastEvent? LastEvent = null)
{
    public static SessionSummary Of(Session s, DateTime? lastSeen = null, LastEvent? lastEvent = null) => new(
        s.Id, s.ConditionId, s.Steps, s.StepIndex, s.Status, lastSeen is { } seen && seen > s.LastSeenAt ? seen : s.LastSeenAt, s.EndedAt,
        s.Pilot, s.Exclusion is not null, s.Visits.LastOrDefault(v => s.Steps.Count > 0 && v.StepId == s.CurrentStep)?.EnteredAt, lastEvent);
}

/// <summary>Participants on a step now (active sessions whose current step it is) and those who ever reached it.</summary>
public sealed record StepCell(int Now, int Reached);

/// <summary>One step of the experiment: a cell per condition, in the order of <see cref="ProgressSnapshot.Conditions"/>; null where the condition does not show the step.</summary>
public sealed record StepProgress(string Id, string Type, IReadOnlyList<StepCell?> Cells);

/// <summary>A session that ended: completed, declined or abandoned (a drop-out), with when.</summary>
public sealed record RecentSession(string Pseudonym, string Outcome, DateTime At, string Condition, bool Pilot = false);

/// <summary>A session in progress, as the monitor lists it: where it is, since when, and what was last heard of it.</summary>
/// <param name="Now">Whether it was seen within the "active now" window.</param>
public sealed record ActiveSession(string Pseudonym, string Condition, string Step, DateTime? OnStepSince, DateTime LastSeenAt, string? LastEventType, DateTime? LastEventAt, bool Now, bool Pilot);

/// <summary>
/// An experiment's progress as the dashboard shows it and the researcher hub pushes it: the
/// status (as set and as in effect), session counts, participants per step and condition, the
/// sessions in progress (the monitor) and the latest completions and drop-outs. Computed from
/// session summaries only, never from events. Pilot runs are counted apart and take no place in
/// the study's counts.
/// </summary>
/// <param name="At">The server's clock when the snapshot was made: the monitor's times are against it.</param>
/// <param name="ActiveNow">Sessions of the study seen within <paramref name="ActiveWithinSeconds"/>.</param>
public sealed record ProgressSnapshot(
    string Experiment,
    string Status,
    string SetStatus,
    int Target,
    ExperimentCounts Counts,
    IReadOnlyList<string> Conditions,
    IReadOnlyList<StepProgress> Steps,
    IReadOnlyList<RecentSession> Recent)
{
    public const int RecentCount = 10;
    public const int MonitorCount = 50;
    public static readonly TimeSpan DefaultActiveWithin = TimeSpan.FromMinutes(2);

    public DateTime At { get; init; }
    public int ActiveNow { get; init; }
    public int ActiveWithinSeconds { get; init; }
    public int Pilots { get; init; }
    public int Excluded { get; init; }
    /// <summary>The sessions in progress (pilot runs too, marked), most recently seen first, at most <see cref="MonitorCount"/>.</summary>
    public IReadOnlyList<ActiveSession> Monitor { get; init; } = [];
    /// <summary>Whether a valid file defines the experiment now (new sessions can start).</summary>
    public bool Served { get; init; } = true;

    /// <param name="sessions">read once, in one pass: the tracker hands its summaries over without copying them (so a
    /// snapshot is not of one instant: a session that changes during the pass counts as before or after, once).</param>
    /// <param name="now">the server's clock; "active now" and the monitor's times are against it.</param>
    /// <param name="activeWithin">how recently a session must have been seen to count as active now (default 2 minutes).</param>
    /// <param name="stepType">the type of a step the experiment's current version does not have (a step of an earlier version).</param>
    // One pass that keeps counts and the few sessions listed, nothing per session: the tracker makes
    // a snapshot twice a second while participants are busy, and copies, filters and sorts of every
    // session (arrays on the large object heap once a study passes ~10,000 sessions) grew the heap of
    // a busy server by the minute.
    public static ProgressSnapshot Of(Experiment experiment, ExperimentStatus status, ExperimentStatus setStatus, IEnumerable<SessionSummary> sessions,
        DateTime? now = null, TimeSpan? activeWithin = null, Func<string, string?>? stepType = null)
    {
        var at = now ?? DateTime.UtcNow;
        var within = activeWithin ?? DefaultActiveWithin;
        bool SeenNow(SessionSummary s) => s.LastSeenAt >= at - within;
        // The current version's conditions and steps, then those only sessions of earlier versions walked.
        var conditions = new List<string>();
        var knownConditions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in experiment.EffectiveConditions) if (knownConditions.Add(c.Id)) conditions.Add(c.Id);
        var stepIds = new List<string>();
        var knownSteps = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in experiment.Steps) if (knownSteps.Add(step.Id)) stepIds.Add(step.Id);
        var walked = new HashSet<(string Step, string Condition)>();
        var nowOn = new Dictionary<(string Step, string Condition), int>();
        var reached = new Dictionary<(string Step, string Condition), int>();
        var recent = new List<SessionSummary>(RecentCount + 1);
        var monitor = new List<SessionSummary>(MonitorCount + 1);
        int started = 0, active = 0, completed = 0, declined = 0, abandoned = 0, activeNow = 0, pilots = 0, excluded = 0;
        foreach (var s in sessions)
        {
            if (s.Status is SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Abandoned) KeepBest(recent, RecentCount, s, ByEndDescending);
            if (s.Status == SessionStatus.Active) KeepBest(monitor, MonitorCount, s, BySeenDescending);
            if (s.Pilot) { pilots++; continue; }
            // The study: pilot runs take no place in its counts.
            started++;
            if (s.Excluded) excluded++;
            switch (s.Status)
            {
                case SessionStatus.Active: active++; if (SeenNow(s)) activeNow++; break;
                case SessionStatus.Completed: completed++; break;
                case SessionStatus.Declined: declined++; break;
                case SessionStatus.Abandoned: abandoned++; break;
            }
            // Declined sessions keep only their refusal, without a condition: they are counted, not placed on steps.
            if (s.Status == SessionStatus.Declined) continue;
            if (s.ConditionId.Length > 0 && knownConditions.Add(s.ConditionId)) conditions.Add(s.ConditionId);
            // By index: an interface's enumerator would be an object per session.
            for (var i = 0; i < s.Steps.Count; i++)
            {
                walked.Add((s.Steps[i], s.ConditionId));
                if (knownSteps.Add(s.Steps[i])) stepIds.Add(s.Steps[i]);
            }
            for (var i = 0; i <= s.StepIndex && i < s.Steps.Count; i++)
                reached[(s.Steps[i], s.ConditionId)] = reached.GetValueOrDefault((s.Steps[i], s.ConditionId)) + 1;
            if (s.Status == SessionStatus.Active && s.StepIndex < s.Steps.Count)
                nowOn[(s.Steps[s.StepIndex], s.ConditionId)] = nowOn.GetValueOrDefault((s.Steps[s.StepIndex], s.ConditionId)) + 1;
        }
        var shown = experiment.EffectiveConditions.ToDictionary(c => c.Id, c => ExperimentFlow.StepsFor(experiment, c).Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
        var types = experiment.Steps.ToDictionary(s => s.Id, s => StepTypes.Of(s).Name, StringComparer.Ordinal);
        var steps = stepIds.Select(step => new StepProgress(step, types.GetValueOrDefault(step) ?? stepType?.Invoke(step) ?? "",
            conditions.Select(c => shown.GetValueOrDefault(c)?.Contains(step) == true || walked.Contains((step, c))
                ? new StepCell(nowOn.GetValueOrDefault((step, c)), reached.GetValueOrDefault((step, c)))
                : null).ToList())).ToList();
        var counts = new ExperimentCounts(Started: started, Active: active, Completed: completed, Declined: declined, Abandoned: abandoned);
        return new ProgressSnapshot(experiment.Id, Name(status), Name(setStatus), experiment.TargetSampleSize, counts, conditions, steps,
            recent.Select(s => new RecentSession(s.Id, s.Status.ToString().ToLowerInvariant(), EndOf(s), s.ConditionId, s.Pilot)).ToList())
        {
            At = at,
            ActiveNow = activeNow,
            ActiveWithinSeconds = (int)within.TotalSeconds,
            Pilots = pilots,
            Excluded = excluded,
            Monitor = monitor.Select(s => new ActiveSession(s.Id, s.ConditionId, s.StepIndex < s.Steps.Count ? s.Steps[s.StepIndex] : "", s.OnStepSince, s.LastSeenAt,
                s.LastEvent?.Type, s.LastEvent?.At, SeenNow(s), s.Pilot)).ToList(),
        };
    }

    /// <summary>When a session ended as the recent list shows it: a drop-out when it was last seen.</summary>
    private static DateTime EndOf(SessionSummary s) => s.Status == SessionStatus.Abandoned ? s.LastSeenAt : s.EndedAt ?? s.LastSeenAt;

    // Latest first; ids break ties, so the lists do not depend on the order the sessions come in.
    private static int ByEndDescending(SessionSummary a, SessionSummary b) =>
        EndOf(b).CompareTo(EndOf(a)) is var c and not 0 ? c : string.CompareOrdinal(a.Id, b.Id);

    private static int BySeenDescending(SessionSummary a, SessionSummary b) =>
        b.LastSeenAt.CompareTo(a.LastSeenAt) is var c and not 0 ? c : string.CompareOrdinal(a.Id, b.Id);

    /// <summary>Keeps <paramref name="best"/> the first <paramref name="count"/> of everything offered, in <paramref name="order"/>.</summary>
    private static void KeepBest(List<SessionSummary> best, int count, SessionSummary offered, Comparison<SessionSummary> order)
    {
        if (best.Count == count && order(offered, best[^1]) >= 0) return;
        var at = best.Count;
        while (at > 0 && order(offered, best[at - 1]) < 0) at--;
        best.Insert(at, offered);
        if (best.Count > count) best.RemoveAt(best.Count - 1);
    }

    public static string Name(ExperimentStatus status) => status.ToString().ToLowerInvariant();
}
