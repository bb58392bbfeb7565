using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Scripts;
using SelfRef.Web.Participant;

namespace SelfRef.Simulation.Tests.Support;

/// <summary>
/// A simulated participant's walk through one condition of an experiment without a server: each
/// step as the participant's page receives it (SessionView, the server's own view), the plan the
/// simulator makes for it, and the session as it stands at the end (answers keyed step.question).
/// </summary>
public sealed class OfflineWalk
{
    private static readonly UiText Ui = new(UiText.Load(null));

    public sealed record WalkedStep(Step Step, StepInfo Info, StepContext Context, StepPlan Plan)
    {
        /// <summary>The plan's events as the store keeps them, on the step's timeline.</summary>
        public IReadOnlyList<StoredEvent> Stored(string sessionId)
        {
            var events = Plan.Events.Select((e, i) => new StoredEvent(i + 1, e.T, e.Type, e.Data?.GetRawText())).ToList();
            return StepEvents.Of([new StoredBatch(sessionId, "tab", 1, events.Count, Step.Id, DateTime.UnixEpoch, events)], Step.Id);
        }
    }

    public required IReadOnlyList<WalkedStep> Steps { get; init; }
    public required Session Session { get; init; }

    public static OfflineWalk Of(Experiment experiment, Condition condition, ParticipantGenerator generator, SimulatedParticipant participant)
    {
        var order = ExperimentFlow.StepsFor(experiment, condition);
        var ids = order.Select(s => s.Id).ToList();
        var identity = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var steps = new List<WalkedStep>();
        for (var index = 0; index < order.Count; index++)
        {
            var session = new Session { Id = "s" + participant.Index, ExperimentId = experiment.Id, ConditionId = condition.Id, Steps = ids, StepIndex = index, Language = participant.Language };
            var view = JsonSerializer.SerializeToElement(SessionView.Of(session, experiment, Ui), SessionView.Json).GetProperty("step");
            var info = StepInfo.From(view);
            var context = new StepContext(participant, generator, Seeds.Random(generator.Seed, participant.Index, "step/" + info.Id), 1_767_225_600_000L + index * 45_000L);
            foreach (var (question, answer) in StepScript.IdentityAnswers(info, context)) identity[question] = answer;
            var plan = StepScript.Plan(info, context, identity);
            foreach (var (question, answer) in plan.Answers ?? new Dictionary<string, string?>())
                if (answer is not null) answers[$"{info.Id}.{question}"] = answer;
            steps.Add(new WalkedStep(order[index], info, context, plan));
        }
        return new OfflineWalk
        {
            Steps = steps,
            Session = new Session
            {
                Id = "s" + participant.Index, ExperimentId = experiment.Id, ConditionId = condition.Id, Steps = ids, StepIndex = ids.Count - 1,
                Status = SessionStatus.Completed, Language = participant.Language, Answers = answers,
            },
        };
    }
}
