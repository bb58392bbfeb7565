using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Tasks;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Tests.Support;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Simulation.Tests;

/// <summary>
/// Every task type's script (TaskType.Simulate), through the simulator's walk of every shipped
/// experiment, without a server: what it logs is what the hub accepts, and what its task's own
/// derivation reads back is the truth the participant acted out. Nothing here names a task type:
/// a new one is covered as soon as an experiment file uses it.
/// </summary>
public sealed class TaskScriptTests
{
    private static readonly Gazetteer Gazetteer = GazetteerFile.Shared(GazetteerFile.Locate());
    private static readonly Places Places = new(Gazetteer);
    private static readonly IReadOnlyList<Experiment> Experiments = ExperimentLoader.LoadFolder(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments"));
    private static readonly OutcomeDeriver Deriver = OfflineTaskServices.Deriver();

    public static IEnumerable<object[]> Shipped() => Experiments.Select(e => new object[] { e.Id });

    // Both truths in every task: half of the participants act out a self-referential first action.
    private static Behaviour Even() => StepTypes.Tasks.Aggregate(new Behaviour(), (b, t) => b.WithSelfReference(t.Name, 0.5));

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Every_simulated_step_logs_only_events_its_step_declares_in_their_declared_shapes(string experimentId)
    {
        var experiment = Experiments.Single(e => e.Id == experimentId);
        var checkedSteps = new HashSet<string>();
        foreach (var seed in new[] { 1, 2, 3, 4, 5 })
        {
            var generator = new ParticipantGenerator(Even(), Places, seed);
            foreach (var condition in experiment.EffectiveConditions)
                foreach (var participant in generator.CreateMany(40))
                    foreach (var walked in OfflineWalk.Of(experiment, condition, generator, participant).Steps)
                    {
                        // As the outbox sends them: at most MaxEvents to a batch.
                        foreach (var (chunk, i) in walked.Plan.Events.Chunk(BatchRules.MaxEvents).Select((c, i) => (c, i)))
                        {
                            var batch = new EventBatch(1 + i * BatchRules.MaxEvents, walked.Step.Id, chunk, "tab");
                            var problem = BatchRules.Problem(batch) ?? BatchRules.Problem(batch, walked.Step);
                            Assert.True(problem is null,
                                $"{experimentId}, condition {condition.Id}, seed {seed}, participant {participant.Index}, step '{walked.Step.Id}': the hub would refuse the batch: {problem}");
                            checkedSteps.Add(walked.Step.Id);
                        }
                    }
        }
        Assert.Equal(experiment.Steps.Select(s => s.Id).Order(), checkedSteps.Order());
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Each_task_derives_back_the_truth_its_simulated_participant_acted_out(string experimentId)
    {
        var experiment = Experiments.Single(e => e.Id == experimentId);
        var generator = new ParticipantGenerator(Even(), Places, 17);
        var seen = new HashSet<(string Task, bool Self)>();
        foreach (var condition in experiment.EffectiveConditions)
            foreach (var participant in generator.CreateMany(60))
            {
                var walk = OfflineWalk.Of(experiment, condition, generator, participant);
                foreach (var walked in walk.Steps)
                {
                    if (StepTypes.TaskOf(walked.Step) is not { } task) continue;
                    var truth = generator.Truth(participant, task);
                    // Steps that need coding get two coders who both give the true code.
                    var codes = task.NeedsCoding(walked.Step)
                        ? SimulatedCoders.Names.Select(coder => new CoderCode
                        {
                            ExperimentId = experiment.Id, SessionId = walk.Session.Id, StepId = walked.Step.Id, Coder = coder,
                            Value = truth.SelfReferentialFirst ? CodeValue.OwnName : CodeValue.Other,
                        }).ToList()
                        : [];
                    var outcome = Deriver.DeriveOne(task, new TaskEvidence(experiment, walk.Session, walked.Step, walked.Stored(walk.Session.Id), codes));
                    Assert.True(outcome.SelfReference == truth.SelfReferentialFirst,
                        $"{experimentId}/{condition.Id}, participant {participant.Index} ({participant.FirstName} {participant.Surname}, {participant.HomeTown.Name}), {task.Name} step '{walked.Step.Id}': "
                        + $"acted out {(truth.SelfReferentialFirst ? "self-referential" : "not self-referential")}, derived {outcome.SelfReference?.ToString() ?? "nothing"} ({outcome.MatchDetail}{outcome.MissingReason})");
                    Assert.Equal(truth.LatencyMs, outcome.LatencyMs!.Value, 1);
                    seen.Add((task.Name, truth.SelfReferentialFirst));
                }
            }
        var tasks = experiment.Steps.Select(StepTypes.TaskOf).OfType<TaskType>().Select(t => t.Name).Distinct().ToList();
        Assert.NotEmpty(tasks);
        Assert.All(tasks, task => Assert.True(seen.Contains((task, true)) && seen.Contains((task, false)), $"{task}: not both truths were acted out"));
    }

    [Fact]
    public void Every_task_type_answers_each_question_it_compares_with()
    {
        var person = new ParticipantGenerator(new Behaviour(), Places, 1).Create(0).Person;
        foreach (var experiment in Experiments)
            foreach (var step in experiment.Steps)
                if (StepTypes.TaskOf(step) is { } task)
                    Assert.Equal(task.IdentifyingQuestions(step).Order(), task.SimulatedAnswers(step, person).Keys.Order());
    }
}
