using System.Text.Json;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// The outcome table from what the store holds: one row per participant and task step, each
/// task type saying through its registered outcome function what was done first.
/// </summary>
public static class OutcomeDerivation
{
    public static IEnumerable<OutcomeRow> Rows(
        Experiment experiment,
        IEnumerable<Session> sessions,
        Func<string, IReadOnlyList<StoredBatch>> eventsOf,
        IReadOnlyList<CoderCode> codes,
        IServiceProvider? services = null)
    {
        foreach (var session in sessions.Where(s => s.ExperimentId == experiment.Id && s.Status != SessionStatus.Declined).OrderBy(s => s.StartedAt))
        {
            var batches = eventsOf(session.Id);
            var taskOrder = 0;
            for (var index = 0; index < session.Steps.Count; index++)
            {
                var step = experiment.Step(session.Steps[index]);
                var type = StepTypes.Of(step);
                if (!type.IsTask || type.Outcome is null) continue;
                taskOrder++;
                var events = StepEvents.Of(batches, step.Id);
                // Once the identifiers are deleted, the outcome frozen before that is all there is.
                var outcome = index > session.StepIndex
                    ? new TaskOutcome(null, null, "not reached", null, null, null)
                    : session.FrozenOutcomes.TryGetValue(step.Id, out var frozen) ? frozen.ToOutcome()
                    : type.Outcome(new TaskEvidence(experiment, session, step, events, codes, services));
                yield return new OutcomeRow(
                    session.Id, experiment.Id, type.Name, session.ConditionId, taskOrder, Device(events), outcome.PointerType ?? "",
                    session.Language, outcome.LatencyMs, outcome.SelfReference, outcome.MissingReason, outcome.MatchDetail,
                    outcome.DistanceKm, session.Status == SessionStatus.Completed,
                    outcome.TargetLat, outcome.TargetLon, outcome.HomeLat, outcome.HomeLon);
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

    /// <summary>Desktop, tablet or phone, from what the browser said when the step appeared.</summary>
    private static string Device(IEnumerable<StoredEvent> events)
    {
        var onset = events.FirstOrDefault(e => e.Type == "step.onset" && e.DataJson is not null);
        if (onset is null) return "";
        using var doc = JsonDocument.Parse(onset.DataJson!);
        var data = doc.RootElement;
        var coarse = data.TryGetProperty("coarsePointer", out var c) && c.ValueKind == JsonValueKind.True;
        var width = data.TryGetProperty("viewport", out var v) && v.TryGetProperty("width", out var w) ? w.GetDouble() : 0;
        return !coarse ? "desktop" : width < 700 ? "phone" : "tablet";
    }
}
