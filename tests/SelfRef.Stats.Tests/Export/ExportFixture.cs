using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Stats.Export;

namespace SelfRef.Stats.Tests.Export;

/// <summary>
/// A small experiment (keyboard pen, map, questionnaire with name, home town, age and a free
/// comment; Prolific id recorded) and three sessions held in memory, with events that carry
/// identifying text and text that a spreadsheet would run as a formula.
/// </summary>
public static class ExportFixture
{
    public const string Name = "Annegret", Surname = "Kowalczyk", ProlificId = "5f1e2d3c4b5a69788796a5b4", HomeTown = "gn:2867714|München (Munich), Deutschland";

    public static readonly Experiment Experiment = Load("""
        {
          "id": "export-test",
          "title": { "en": "Export test" },
          "languages": ["en"],
          "steps": [
            { "type": "consent", "id": "consent", "text": { "en": "Do you agree?" } },
            { "type": "pen", "id": "pen", "instruction": { "en": "Type something." }, "input": "keyboard" },
            { "type": "map", "id": "map", "instruction": { "en": "Take a look at the map." } },
            { "type": "questionnaire", "id": "about-you", "questions": [
              { "id": "firstName", "type": "text", "label": { "en": "Your first name" } },
              { "id": "surname", "type": "text", "label": { "en": "Your surname" } },
              { "id": "hometown", "type": "place", "label": { "en": "Your home town" } },
              { "id": "age", "type": "number", "label": { "en": "Your age" }, "min": 16, "max": 110 },
              { "id": "hand", "type": "choice", "label": { "en": "Hand" }, "options": [ { "value": "left", "label": { "en": "left" } }, { "value": "right", "label": { "en": "right" } } ] },
              { "id": "comment", "type": "text", "label": { "en": "Anything else? | (optional)" }, "required": false } ] },
            { "type": "debrief", "id": "debrief", "text": { "en": "Thank you." } }
          ],
          "recruitment": { "parameters": ["PROLIFIC_PID"] }
        }
        """);

    public static readonly string[] Steps = ["consent", "pen", "map", "about-you", "debrief"];

    public static readonly DateTime Start = new(2026, 11, 29, 10, 0, 0, DateTimeKind.Utc);

    public static readonly IReadOnlyList<Session> Sessions =
    [
        Derived(Completed("P-AAAAAAAAAA", 0, "=HYPERLINK(\"http://evil.example\",\"click\")")),
        Derived(Completed("P-BBBBBBBBBB", 1, "+1") with { Language = "de" }),
        new Session
        {
            Id = "P-CCCCCCCCCC", Token = "t3", ExperimentId = "export-test", ConditionId = "default", Status = SessionStatus.Active,
            Steps = [.. Steps], StepIndex = 1, StartedAt = Start.AddMinutes(2), LastSeenAt = Start.AddMinutes(3),
            Recruitment = new() { ["PROLIFIC_PID"] = "-2+3" },
        },
        new Session { Id = "P-DDDDDDDDDD", Token = "t4", ExperimentId = "other-experiment", Status = SessionStatus.Completed, StartedAt = Start },
    ];

    /// <summary>Each session's events: step onset and typing in the pen step, a search in the map step.</summary>
    public static IReadOnlyList<StoredBatch> EventsOf(string session) => session switch
    {
        "P-AAAAAAAAAA" or "P-BBBBBBBBBB" =>
        [
            Batch(session, "pen", 1, (0, "step.onset", """{"viewport":{"width":1280,"height":800},"coarsePointer":false}"""),
                (812.5, "key.down", """{"key":"A","code":"KeyA"}"""), (820.25, "text.input", $$"""{"text":"{{Name}}"}""")),
            Batch(session, "map", 4, (0, "step.onset", null), (1500, "map.search.input", """{"q":"@SUM(A1)"}"""), (2100, "map.view", """{"lat":-12.5,"lng":48.1,"zoom":9}""")),
        ],
        "P-CCCCCCCCCC" => [Batch(session, "pen", 1, (0, "step.onset", null), (-3.5, "text.input", """{"text":"=1+1"}"""))],
        _ => [],
    };

    /// <summary>The session with its outcomes derived, as the server stores them when the participant moves on.</summary>
    private static Session Derived(Session session) =>
        session with { Outcomes = new SelfRef.Core.Tasks.OutcomeDeriver(new Gazetteers()).Derive(Experiment, session, EventsOf(session.Id), [], Start) ?? session.Outcomes };

    private sealed class Gazetteers : IServiceProvider
    {
        public object? GetService(Type type) => type == typeof(SelfRef.Core.Gazetteer.Gazetteer)
            ? SelfRef.Core.Gazetteer.GazetteerFile.Shared(SelfRef.Core.Gazetteer.GazetteerFile.Locate())
            : null;
    }

    public static ExportSource Source(Func<string, IReadOnlyList<StoredBatch>>? eventsOf = null) =>
        new(Experiment, Sessions, eventsOf ?? EventsOf);

    public static int EventCount => Sessions.Where(s => s.ExperimentId == Experiment.Id).Sum(s => EventsOf(s.Id).Sum(b => b.Events.Count));

    private static Session Completed(string id, int minute, string comment) => new()
    {
        Id = id, Token = "t" + id, ExperimentId = "export-test", ConditionId = "default", Language = "en", Status = SessionStatus.Completed,
        Steps = [.. Steps], StepIndex = Steps.Length - 1, StartedAt = Start.AddMinutes(minute), LastSeenAt = Start.AddMinutes(minute + 5), EndedAt = Start.AddMinutes(minute + 5),
        Recruitment = new() { ["PROLIFIC_PID"] = ProlificId },
        Answers = new()
        {
            ["about-you.firstName"] = Name, ["about-you.surname"] = Surname, ["about-you.hometown"] = HomeTown,
            ["about-you.age"] = "31.5", ["about-you.hand"] = "left", ["about-you.comment"] = comment,
        },
    };

    private static StoredBatch Batch(string session, string step, long seq, params (double T, string Type, string? Data)[] events) =>
        new(session, "", seq, seq + events.Length - 1, step, Start,
            events.Select((e, i) => new StoredEvent(seq + i, e.T, e.Type, e.Data)).ToList());

    private static Experiment Load(string json)
    {
        var result = ExperimentLoader.Parse(json, "export-test.json");
        return result.Ok ? result.Experiment! : throw new InvalidOperationException(string.Join("\n", result.Errors));
    }
}
