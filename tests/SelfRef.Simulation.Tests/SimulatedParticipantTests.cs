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

    private static StepContext Context(SimulatedParticipant p, Behaviour behaviour, int seed, string step) =>
        new(p, behaviour, Seeds.Random(seed, p.Index, "step/" + step), Places, 1_767_225_600_000L);

    private static string Script(SimulatedParticipant p, Behaviour behaviour, int seed) =>
        JsonSerializer.Serialize(new object[]
        {
            PenScript.Events(StepOf<PenStep>("gallup-pen"), 2, Context(p, behaviour, seed, "pen")).Events,
            PenScript.Events(StepOf<PenStep>("gallup-pen-keyboard"), 2, Context(p, behaviour, seed, "pen")).Events,
            MapScript.Events(StepOf<MapStep>("gallup-map"), 2, Context(p, behaviour, seed, "map")).Events,
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
        Assert.Equal(forwards.Select(p => Script(p, behaviour, 42)), backwards.Select(p => Script(p, behaviour, 42)));

        var other = new ParticipantGenerator(behaviour, Places, 43).CreateMany(30).ToList();
        Assert.NotEqual(forwards.Select(p => p.FirstName + p.Surname + p.HomeTown.Id), other.Select(p => p.FirstName + p.Surname + p.HomeTown.Id));
    }

    [Fact]
    public void Participants_fit_their_locale_and_follow_the_configured_probabilities()
    {
        var behaviour = new Behaviour { SelfName = 0.7, SelfHome = 0.4, German = 0.5 };
        var people = new ParticipantGenerator(behaviour, Places, 7).CreateMany(600).ToList();
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
        Assert.InRange(people.Count(p => p.WritesOwnNameFirst) / 600.0, 0.7 - 0.075, 0.7 + 0.075);
        Assert.InRange(people.Count(p => p.LooksForHomeFirst) / 600.0, 0.4 - 0.08, 0.4 + 0.08);
        Assert.InRange(people.Count(p => p.Language == "de") / 600.0, 0.5 - 0.082, 0.5 + 0.082);
        Assert.Equal(["mouse", "pen", "touch"], people.Select(p => p.PointerType).Distinct().Order());
        Assert.InRange(people.Select(p => p.PenLatencyMs).Order().ElementAt(300), 2150, 2900);
    }

    [Fact]
    public void Typed_first_words_are_matched_to_the_name_exactly_when_simulated_so()
    {
        var step = StepOf<PenStep>("gallup-pen-keyboard");
        var behaviour = new Behaviour { SelfName = 0.5 };
        foreach (var p in new ParticipantGenerator(behaviour, Places, 5).CreateMany(150))
        {
            var events = Stored(PenScript.Events(step, 2, Context(p, behaviour, 5, "pen")).Events);
            var outcome = PenClassification.Outcome(Evidence(step, events, new() { ["about-you.firstName"] = p.FirstName, ["about-you.surname"] = p.Surname }));
            Assert.True(p.WritesOwnNameFirst == outcome.SelfReference, $"{p.FirstName} {p.Surname}: simulated {p.WritesOwnNameFirst}, classified {outcome.SelfReference} ({outcome.MatchDetail})");
            Assert.Equal(p.PenLatencyMs, outcome.LatencyMs!.Value, 1);
        }
    }

    [Fact]
    public void Handwriting_starts_with_the_strokes_of_the_first_word_then_a_pause()
    {
        var step = StepOf<PenStep>("gallup-pen");
        var behaviour = new Behaviour();
        foreach (var p in new ParticipantGenerator(behaviour, Places, 9).CreateMany(100))
        {
            var context = Context(p, behaviour, 9, "pen");
            var events = Stored(PenScript.Events(step, 2, context).Events);
            // The same draws again tell which word was written first.
            var word = PenScript.FirstWord(Context(p, behaviour, 9, "pen") with { Random = SkipToWord(p, behaviour) });
            var pen = PenOutcome.Extract(step, events);
            Assert.Equal(p.PenLatencyMs, pen.LatencyMs!.Value, 1);
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
    private static Random SkipToWord(SimulatedParticipant p, Behaviour behaviour)
    {
        var random = Seeds.Random(9, p.Index, "step/pen");
        var context = new StepContext(p, behaviour, random, Places, 0);
        context.Uniform(2, 12); context.Uniform(40, 70); context.Uniform(0.55, 0.85); context.Chance(0.4); context.Uniform(0.05, 0.25); context.Uniform(0.08, 0.35);
        return random;
    }

    [Fact]
    public void The_first_map_target_is_the_home_town_exactly_when_simulated_so()
    {
        var step = StepOf<MapStep>("gallup-map");
        var behaviour = new Behaviour { SelfHome = 0.5, Search = 0.4 };
        var inferences = new HashSet<TargetInference>();
        foreach (var p in new ParticipantGenerator(behaviour, Places, 11).CreateMany(150))
        {
            var events = Stored(MapScript.Events(step, 2, Context(p, behaviour, 11, "map")).Events);
            var outcome = MapOutcome.Extract(step, events, HomeTown.Format(p.HomeTown, p.HomeTownShown), Gazetteer);
            Assert.True(p.LooksForHomeFirst == outcome.HomeFirst,
                $"participant {p.Index} from {p.HomeTown.Name}: simulated {p.LooksForHomeFirst}, first target {outcome.Target} at {outcome.DistanceKm} km");
            Assert.Equal(p.MapLatencyMs, outcome.LatencyMs!.Value, 1);
            Assert.Equal(HomeTownSource.Picked, outcome.HomeTown!.Source);
            inferences.Add(outcome.Target!.Inference);
        }
        Assert.Equal([TargetInference.Search, TargetInference.ZoomHold], inferences.Order());
    }

    private static TaskEvidence Evidence(PenStep step, IReadOnlyList<StoredEvent> events, Dictionary<string, string> answers)
    {
        var experiment = Experiments.Single(e => e.Id == "gallup-pen-keyboard");
        var session = new Session { Id = "s1", ExperimentId = experiment.Id, Answers = answers, Steps = ["consent", "intro", "pen", "about-you", "debrief"], StepIndex = 4 };
        return new TaskEvidence(experiment, session, step, events, []);
    }
}
