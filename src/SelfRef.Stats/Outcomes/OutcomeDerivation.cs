using SelfRef.Core.Privacy;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// The outcome table from what the store holds: one row per participant and task step, read from
/// the outcomes each session keeps (derived once, when the participant left the step, and again
/// when what they read changed; see OutcomeDeriver). No events are read here. Each session is read
/// by the version of the experiment it ran on, so a step or condition removed from the file later
/// keeps its rows.
/// </summary>
public static class OutcomeDerivation
{
    public static IEnumerable<OutcomeRow> Rows(Experiment experiment, IEnumerable<Session> sessions) =>
        Rows(ExperimentHistory.Single(experiment), sessions);

    /// <summary>
    /// One row per participant and task step, each by the session's version. <paramref name="deidentified"/>:
    /// as they may leave without identifiers (<see cref="Identifiers.Outcome"/>: no coordinates or
    /// place names; the first target's coordinates rounded to <paramref name="coarse"/> when given).
    /// </summary>
    public static IEnumerable<OutcomeRow> Rows(ExperimentHistory history, IEnumerable<Session> sessions, bool deidentified = false, CoarseGrid? coarse = null)
    {
        foreach (var session in sessions.Where(s => s.ExperimentId == history.Id && s.Status != SessionStatus.Declined).OrderBy(s => s.StartedAt))
        {
            var experiment = history.ExperimentOf(session);
            var version = history.HashOf(session);
            var taskOrder = 0;
            for (var index = 0; index < session.Steps.Count; index++)
            {
                var step = experiment.Steps.FirstOrDefault(s => s.Id == session.Steps[index]);
                var stored = session.Outcomes.GetValueOrDefault(session.Steps[index]);
                // A task step the session's version does not know (a copied database): its stored outcome still names the task.
                var type = step is null ? stored is null ? null : StepTypes.Task(stored.Task) : StepTypes.TaskOf(step);
                if (type is null) continue;
                taskOrder++;
                var outcome = stored?.ToOutcome()
                    ?? TaskOutcome.Missing(index > session.StepIndex ? "not reached" : OutcomeDeriver.Left(session, index) ? "not derived yet" : "in progress");
                if (deidentified) outcome = Identifiers.Outcome(type, step, outcome, coarse);
                yield return new OutcomeRow(
                    session.Id, history.Id, type.Name, session.ConditionId, taskOrder, stored?.Device ?? "", outcome.PointerType ?? "",
                    session.Language, outcome.LatencyMs, outcome.SelfReference, outcome.MissingReason, outcome.MatchDetail,
                    session.Status == SessionStatus.Completed)
                {
                    Columns = outcome.Columns,
                    Version = version,
                    Pilot = session.Pilot,
                    Excluded = session.Exclusion is not null,
                    ExclusionReason = session.Exclusion?.Reason,
                };
            }
        }
    }

    public static IReadOnlyList<FunnelStage> Funnel(Experiment experiment, IReadOnlyCollection<Session> sessions) =>
        Funnel(ExperimentHistory.Single(experiment), sessions);

    /// <summary>
    /// Started, consented, each step reached, completed: the funnel as the server saw it. Steps are
    /// the current version's, then any other step the sessions walked (of an earlier version).
    /// </summary>
    public static IReadOnlyList<FunnelStage> Funnel(ExperimentHistory history, IReadOnlyCollection<Session> sessions)
    {
        var experiment = history.Latest;
        var mine = sessions.Where(s => s.ExperimentId == history.Id).ToList();
        var stages = new List<FunnelStage> { new("started", mine.Count) };
        var walked = mine.Where(s => s.Status != SessionStatus.Declined).ToList();
        var consentFirst = experiment.Steps.FirstOrDefault() is ConsentStep;
        if (consentFirst) stages.Add(new("consented", walked.Count(s => s.StepIndex > 0)));
        var steps = experiment.Steps.Skip(consentFirst ? 1 : 0).Select(s => s.Id)
            .Concat(walked.SelectMany(s => s.Steps.Skip(consentFirst ? 1 : 0)))
            .Distinct(StringComparer.Ordinal);
        foreach (var step in steps)
            stages.Add(new($"reached {step}", walked.Count(s => s.Steps.IndexOf(step) is var i && i >= 0 && i <= s.StepIndex)));
        stages.Add(new("completed", walked.Count(s => s.Status == SessionStatus.Completed)));
        return stages;
    }
}
