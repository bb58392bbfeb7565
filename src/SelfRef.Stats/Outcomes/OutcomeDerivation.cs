using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// The outcome table from what the store holds: one row per participant and task step, read from
/// the outcomes each session keeps (derived once, when the participant left the step, and again
/// when what they read changed; see OutcomeDeriver). No events are read here.
/// </summary>
public static class OutcomeDerivation
{
    public static IEnumerable<OutcomeRow> Rows(Experiment experiment, IEnumerable<Session> sessions)
    {
        foreach (var session in sessions.Where(s => s.ExperimentId == experiment.Id && s.Status != SessionStatus.Declined).OrderBy(s => s.StartedAt))
        {
            var taskOrder = 0;
            for (var index = 0; index < session.Steps.Count; index++)
            {
                var step = experiment.Steps.FirstOrDefault(s => s.Id == session.Steps[index]);
                if (step is null || StepTypes.TaskOf(step) is not { } type) continue;
                taskOrder++;
                var stored = session.Outcomes.GetValueOrDefault(step.Id);
                var outcome = stored?.ToOutcome()
                    ?? TaskOutcome.Missing(index > session.StepIndex ? "not reached" : OutcomeDeriver.Left(session, index) ? "not derived yet" : "in progress");
                yield return new OutcomeRow(
                    session.Id, experiment.Id, type.Name, session.ConditionId, taskOrder, stored?.Device ?? "", outcome.PointerType ?? "",
                    session.Language, outcome.LatencyMs, outcome.SelfReference, outcome.MissingReason, outcome.MatchDetail,
                    session.Status == SessionStatus.Completed)
                { Columns = outcome.Columns };
            }
        }
    }

    /// <summary>Started, consented, each step reached, completed: the funnel as the server saw it.</summary>
    public static IReadOnlyList<FunnelStage> Funnel(Experiment experiment, IReadOnlyCollection<Session> sessions)
    {
        var mine = sessions.Where(s => s.ExperimentId == experiment.Id).ToList();
        var stages = new List<FunnelStage> { new("started", mine.Count) };
        var walked = mine.Where(s => s.Status != SessionStatus.Declined).ToList();
        var consentFirst = experiment.Steps.FirstOrDefault() is ConsentStep;
        if (consentFirst) stages.Add(new("consented", walked.Count(s => s.StepIndex > 0)));
        foreach (var step in experiment.Steps.Skip(consentFirst ? 1 : 0))
            stages.Add(new($"reached {step.Id}", walked.Count(s => s.Steps.IndexOf(step.Id) is var i && i >= 0 && i <= s.StepIndex)));
        stages.Add(new("completed", walked.Count(s => s.Status == SessionStatus.Completed)));
        return stages;
    }
}
