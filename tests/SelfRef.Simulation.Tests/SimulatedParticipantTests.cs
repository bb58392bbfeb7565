using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Scripts;
using SelfRef.Tests.Support;

namespace SelfRef.Simulation.Tests;

/// <summary>Simulated participants and their events, without a server: seeded, and classified by Core's rules as simulated.</summary>
public sealed class SimulatedParticipantTests
{
    private static readonly Gazetteer Gazetteer = GazetteerFile.Shared(GazetteerFile.Locate());
    private static readonly Places Places = new(Gazetteer);
    private static readonly IReadOnlyList<Experiment> Experiments = ExperimentLoader.LoadFolder(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments"));

    private static T StepOf<T>(string experiment) where T : Step => Experiments.Single(e => e.Id == experiment).Steps.OfType<T>().Single();

    private static IReadOnlyList<StoredEvent> Stored(IReadOnlyList<ClientEvent> events) =>
        events.Select((e, i) => new StoredEvent(i + 1, e.T, e.Type, e.Data?.GetRawText())).ToList();

    private static StepContext Context(ParticipantGenerator generator, SimulatedParticipant p, string step) =>
        new(p, generator, Seeds.Random(generator.Seed, p.Index, "step/" + step), 1_767_225_600_000L);

    /// <summary>What the task's script logs for the participant in a step (the onset left out).</summary>
    private static IReadOnlyList<ClientEvent> Events(ParticipantGenerator generator, SimulatedParticipant p, TaskType task, Step step) =>
        task.Simulate(step, Context(generator, p, step.Id).For(task));

    private static string Script(ParticipantGenerator generator, SimulatedParticipant p) =>
        JsonSerializer.Serialize(new object[]
        {
            Events(generator, p, PenTask.Type, StepOf<PenStep>("gallup-pen")),
            Events(generator, p, PenTask.Type, StepOf<PenStep>("gallup-pen-keyboard")),
            Events(generator, p, MapTask.Type, StepOf<MapStep>("gallup-map")),
        });

    [Fact]
    public void The_same_seed_gives_the_same_participants_and_event_streams()
    {
        var behaviour = new Behaviour();
        var first = new ParticipantGenerator(behaviour, Places, 42);
        var again = new ParticipantGenerator(behaviour, Places, 42);
        // Generated in another order: a participant depends on its index, not on who came before.
        var forwards = first.CreateMany(30).ToList();
        var backwards = Enumerable.Range(0, 30).Reverse().Select(i => again.Create(i)).Reverse().ToList();
        Assert.Equal(forwards, backwards);
        Assert.Equal(forwards.Select(p => Script(first, p)), backwards.Select(p => Script(again, p)));

        var other = new ParticipantGenerator(behaviour, Places, 43);
        var others = other.CreateMany(30).ToList();
        Assert.NotEqual(forwards.Select(p => p.FirstName + p.Surname + p.HomeTown.Id), others.Select(p => p.FirstName + p.Surname + p.HomeTown.Id));
        Assert.NotEqual(forwards.Select(p => Script(first, p)), others.Select(p => Script(other, p)));
    }

    [Fact]
    public void Participants_fit_their_locale_and_follow_each_task_types_true_probability()
    {
        var behaviour = new Behaviour { German = 0.5 }.WithSelfReference("pen", 0.7).WithSelfReference("MAP", 0.4);
        var generator = new ParticipantGenerator(behaviour, Places, 7);
        var people = generator.CreateMany(600).ToList();
        var countries = Places.Locales.ToDictionary(l => l.Locale, l => (l.Country, l.Language));
        Assert.All(people, p =>
        {
            Assert.Equal(countries[p.Locale].Country, p.HomeTown.Country);
            Assert.Equal(countries[p.Locale].Language, p.Language);
            Assert.False(string.IsNullOrWhiteSpace(p.FirstName) || string.IsNullOrWhiteSpace(p.Surname));
        });
        Assert.Contains(people, p => p.Locale == "de_AT");
        Assert.Contains(people, p => p.Locale == "en_GB");
        // 600 draws: within 4 standard errors of the configured shares.
        var pen = people.Select(p => generator.Truth(p, PenTask.Type)).ToList();
        var map = people.Select(p => generator.Truth(p, MapTask.Type)).ToList();
        Assert.InRange(pen.Count(t => t.SelfReferentialFirst) / 600.0, 0.7 - 0.075, 0.7 + 0.075);
        Assert.InRange(map.Count(t => t.SelfReferentialFirst) / 600.0, 0.4 - 0.08, 0.4 + 0.08);
        Assert.InRange(people.Count(p => p.Language == "de") / 600.0, 0.5 - 0.082, 0.5 + 0.082);
        Assert.Equal(["mouse", "pen", "touch"], people.Select(p => p.PointerType).Distinct().Order());
        // The default latency (median 2000 ms, spread 0.55): the median of 600 draws lies within about 4 standard errors.
        Assert.InRange(pen.Select(t => t.LatencyMs).Order().ElementAt(300), 1750, 2280);
        // Each task type draws its own truth: the two agree no more often than independent draws would (0.7·0.4 + 0.3·0.6 = 0.46).
        Assert.InRange(pen.Zip(map).Count(x => x.First.SelfReferentialFirst == x.Second.SelfReferentialFirst) / 600.0, 0.46 - 0.082, 0.46 + 0.082);
    }

    [Fact]
    public void A_task_type_without_a_probability_of_its_own_is_simulated_as_its_reference_study_found()
    {
        var behaviour = new Behaviour().WithSelfReference("pen", 0.3);
        Assert.Equal(0.3, behaviour.SelfReference(PenTask.Type));
        Assert.Equal(MapTask.Type.ReferenceProportion, behaviour.SelfReference(MapTask.Type));
        Assert.Equal(behaviour.Latency, behaviour.LatencyOf(MapTask.Type));
    }

    [Theory]
    [InlineData("pne", 0.5, "there is no task type 'pne' (task types: {tasks})")]
    [InlineData("map", 1.5, "map: the self-reference probability must lie between 0 and 1, was 1.5")]
    [InlineData("pen", double.NaN, "pen: the self-reference probability must lie between 0 and 1, was NaN")]
    public void A_behaviour_that_cannot_be_simulated_is_refused_naming_the_task(string task, double probability, string said)
    {
        var e = Assert.Throws<ArgumentException>(() => new Behaviour().WithSelfReference(task, probability).Validate());
        Assert.Equal(said.Replace("{tasks}", string.Join(", ", SelfRef.Core.Experiments.StepTypes.Tasks.Select(t => t.Name))), e.Message);
    }

    [Fact]
    public void Typed_first_words_are_matched_to_the_name_exactly_when_simulated_so()
    {
        var step = StepOf<PenStep>("gallup-pen-keyboard");
        var generator = new ParticipantGenerator(new Behaviour().WithSelfReference("pen", 0.5), Places, 5);
        foreach (var p in generator.CreateMany(150))
        {
            var truth = generator.Truth(p, PenTask.Type);
            var events = Stored(Events(generator, p, PenTask.Type, step));
            var outcome = PenClassification.Outcome(Evidence(step, events, new() { ["about-you.firstName"] = p.FirstName, ["about-you.surname"] = p.Surname }));
            Assert.True(truth.SelfReferentialFirst == outcome.SelfReference, $"{p.FirstName} {p.Surname}: simulated {truth.SelfReferentialFirst}, classified {outcome.SelfReference} ({outcome.MatchDetail})");
            Assert.Equal(truth.LatencyMs, outcome.LatencyMs!.Value, 1);
        }
    }

    [Fact]
    public void Handwriting_starts_with_the_strokes_of_the_first_word_then_a_pause()
    {
        var step = StepOf<PenStep>("gallup-pen");
        var generator = new ParticipantGenerator(new Behaviour(), Places, 9);
        foreach (var p in generator.CreateMany(100))
        {
            var simulation = Context(generator, p, step.Id).For(PenTask.Type);
            var events = Stored(PenTask.Type.Simulate(step, simulation));
            // The same draws again tell which word was written first.
            var word = PenScript.FirstWord(simulation with { Random = SkipToWord(generator, p, step.Id) });
            var pen = PenOutcome.Extract(step, events);
            Assert.Equal(simulation.LatencyMs, pen.LatencyMs!.Value, 1);
            Assert.Equal(p.PointerType, pen.PointerType);
            Assert.NotNull(pen.FirstWord);
            Assert.True(pen.FirstWord.EndedBy != WordEnd.NewLine, "the first word must not be cut by a line break");
            var strokes = PenStrokes.From(events);
            // Whatever follows the first word starts after a pause longer than the gap.
            var rest = strokes.Where(s => !pen.FirstWord.Strokes.Contains(s.Index)).ToList();
            Assert.All(rest, s => Assert.True(s.Start - pen.FirstWord.EndMs > step.FirstWordGapMs));
            Assert.True(pen.FirstWord.Strokes.Count >= 1 && pen.FirstWord.Strokes.Count <= word.Replace(" ", "").Length);
        }
    }

    // PenScript draws the sheet and letter sizes before the word; repeat them to reach the word's draw.
    private static Random SkipToWord(ParticipantGenerator generator, SimulatedParticipant p, string step)
    {
        var context = Context(generator, p, step);
        context.Uniform(2, 12); context.Uniform(40, 70); context.Uniform(0.55, 0.85); context.Chance(0.4); context.Uniform(0.05, 0.25); context.Uniform(0.08, 0.35);
        return context.Random;
    }

    [Fact]
    public void The_first_map_target_is_the_home_town_exactly_when_simulated_so()
    {
        var step = StepOf<MapStep>("gallup-map");
        var generator = new ParticipantGenerator(new Behaviour().WithSelfReference("map", 0.5).WithHabit("map", "search", 0.4), Places, 11);
        var inferences = new HashSet<TargetInference>();
        foreach (var p in generator.CreateMany(150))
        {
            var truth = generator.Truth(p, MapTask.Type);
            var events = Stored(Events(generator, p, MapTask.Type, step));
            var outcome = MapOutcome.Extract(step, events, HomeTown.Format(p.HomeTown, p.HomeTownShown), Gazetteer);
            Assert.True(truth.SelfReferentialFirst == outcome.HomeFirst,
                $"participant {p.Index} from {p.HomeTown.Name}: simulated {truth.SelfReferentialFirst}, first target {outcome.Target} at {outcome.DistanceKm} km");
            Assert.Equal(truth.LatencyMs, outcome.LatencyMs!.Value, 1);
            Assert.Equal(HomeTownSource.Picked, outcome.HomeTown!.Source);
            inferences.Add(outcome.Target!.Inference);
        }
        Assert.Equal([TargetInference.Search, TargetInference.ZoomHold], inferences.Order());
    }

    [Fact]
    public void A_task_habit_changes_how_the_task_is_done_not_its_truth()
    {
        var step = StepOf<MapStep>("gallup-map");
        var searching = new ParticipantGenerator(new Behaviour().WithHabit("map", "search", 1), Places, 12);
        var zooming = new ParticipantGenerator(new Behaviour().WithHabit("map", "search", 0), Places, 12);
        foreach (var p in searching.CreateMany(40))
        {
            Assert.Equal(searching.Truth(p, MapTask.Type), zooming.Truth(p, MapTask.Type));
            var first = Events(searching, p, MapTask.Type, step).First(e => e.Type is MapEvents.SearchInput or MapEvents.PointerDown);
            Assert.Equal(MapEvents.SearchInput, first.Type);
            Assert.DoesNotContain(Events(zooming, p, MapTask.Type, step).TakeWhile(e => e.Type != MapEvents.PointerDown), e => e.Type == MapEvents.SearchInput);
        }
    }

    private static TaskEvidence Evidence(PenStep step, IReadOnlyList<StoredEvent> events, Dictionary<string, string> answers)
    {
        var experiment = Experiments.Single(e => e.Id == "gallup-pen-keyboard");
        var session = new Session { Id = "s1", ExperimentId = experiment.Id, Answers = answers, Steps = ["consent", "intro", "pen", "about-you", "debrief"], StepIndex = 4 };
        return new TaskEvidence(experiment, session, step, events, []);
    }
}
