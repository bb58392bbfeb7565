using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Researcher;

/// <summary>What the dashboard needs of one session; small enough to keep for every session in memory.</summary>
public sealed record SessionSummary(
    string Id, string ConditionId, IReadOnlyList<string> Steps, int StepIndex, SessionStatus Status, DateTime LastSeenAt, DateTime? EndedAt)
{
    public static SessionSummary Of(Session s) => new(s.Id, s.ConditionId, s.Steps, s.StepIndex, s.Status, s.LastSeenAt, s.EndedAt);
}

/// <summary>Participants on a step now (active sessions whose current step it is) and those who ever reached it.</summary>
public sealed record StepCell(int Now, int Reached);

/// <summary>One step of the experiment: a cell per condition, in the order of <see cref="ProgressSnapshot.Conditions"/>; null where the condition does not show the step.</summary>
public sealed record StepProgress(string Id, string Type, IReadOnlyList<StepCell?> Cells);

/// <summary>A session that ended: completed, declined or abandoned (a drop-out), with when.</summary>
public sealed record RecentSession(string Pseudonym, string Outcome, DateTime At, string Condition);

/// <summary>
/// An experiment's progress as the dashboard shows it and the researcher hub pushes it: the
/// status (as set and as in effect), session counts, participants per step and condition, and
/// the latest completions and drop-outs. Computed from session summaries only, never from events.
/// </summary>
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

    public static ProgressSnapshot Of(Experiment experiment, ExperimentStatus status, ExperimentStatus setStatus, IReadOnlyCollection<SessionSummary> sessions)
    {
        var conditions = experiment.EffectiveConditions.Select(c => c.Id).ToList();
        var inCondition = experiment.EffectiveConditions.Select(c => ExperimentFlow.StepsFor(experiment, c).Select(s => s.Id).ToHashSet()).ToList();
        // Declined sessions keep only their refusal, without a condition: they are counted, not placed on steps.
        var placed = sessions.Where(s => s.Status != SessionStatus.Declined).ToList();
        var now = new Dictionary<(string Step, string Condition), int>();
        var reached = new Dictionary<(string Step, string Condition), int>();
        foreach (var s in placed)
        {
            for (var i = 0; i <= s.StepIndex && i < s.Steps.Count; i++)
                reached[(s.Steps[i], s.ConditionId)] = reached.GetValueOrDefault((s.Steps[i], s.ConditionId)) + 1;
            if (s.Status == SessionStatus.Active && s.StepIndex < s.Steps.Count)
                now[(s.Steps[s.StepIndex], s.ConditionId)] = now.GetValueOrDefault((s.Steps[s.StepIndex], s.ConditionId)) + 1;
        }
        var steps = experiment.Steps.Select(step => new StepProgress(step.Id, StepTypes.Of(step).Name,
            conditions.Select((c, i) => inCondition[i].Contains(step.Id)
                ? new StepCell(now.GetValueOrDefault((step.Id, c)), reached.GetValueOrDefault((step.Id, c)))
                : null).ToList())).ToList();
        var recent = sessions
            .Where(s => s.Status is SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Abandoned)
            .Select(s => new RecentSession(s.Id, s.Status.ToString().ToLowerInvariant(), s.Status == SessionStatus.Abandoned ? s.LastSeenAt : s.EndedAt ?? s.LastSeenAt, s.ConditionId))
            .OrderByDescending(r => r.At).ThenBy(r => r.Pseudonym, StringComparer.Ordinal)
            .Take(RecentCount)
            .ToList();
        var counts = new ExperimentCounts(
            Started: sessions.Count,
            Active: sessions.Count(s => s.Status == SessionStatus.Active),
            Completed: sessions.Count(s => s.Status == SessionStatus.Completed),
            Declined: sessions.Count(s => s.Status == SessionStatus.Declined),
            Abandoned: sessions.Count(s => s.Status == SessionStatus.Abandoned));
        return new ProgressSnapshot(experiment.Id, Name(status), Name(setStatus), experiment.TargetSampleSize, counts, conditions, steps, recent);
    }

    public static string Name(ExperimentStatus status) => status.ToString().ToLowerInvariant();
}
