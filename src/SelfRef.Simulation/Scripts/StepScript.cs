using System.Globalization;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;

namespace SelfRef.Simulation.Scripts;

/// <summary>A question as the participant's page receives it (the state's step.questions).</summary>
public sealed record QuestionInfo(string Id, string Type, bool Required, double? Min, double? Max, int MaxLength, IReadOnlyList<string> Options);

/// <summary>The current step as the participant's page receives it from GET /api/p/{token}.</summary>
/// <param name="Page">the step's JSON as received (a task's script may read what the server made for this participant).</param>
public sealed record StepInfo(string Id, string Type, int Index, int Count, IReadOnlyList<QuestionInfo> Questions, JsonElement? Parameters, JsonElement? Page = null)
{
    public static StepInfo From(JsonElement step) => new(
        step.GetProperty("id").GetString()!,
        step.GetProperty("type").GetString()!,
        step.GetProperty("index").GetInt32(),
        step.GetProperty("count").GetInt32(),
        step.TryGetProperty("questions", out var questions) && questions.ValueKind == JsonValueKind.Array
            ? questions.EnumerateArray().Select(q => new QuestionInfo(
                q.GetProperty("id").GetString()!,
                q.GetProperty("type").GetString()!,
                q.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True,
                q.TryGetProperty("min", out var min) && min.ValueKind == JsonValueKind.Number ? min.GetDouble() : null,
                q.TryGetProperty("max", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetDouble() : null,
                q.TryGetProperty("maxLength", out var length) && length.ValueKind == JsonValueKind.Number ? length.GetInt32() : 200,
                q.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array
                    ? options.EnumerateArray().Select(o => o.GetProperty("value").GetString()!).ToList()
                    : [])).ToList()
            : [],
        step.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object ? parameters.Clone() : null,
        step.Clone());

    /// <summary>The step's task type, or null for consent, instructions, questionnaires and the debrief.</summary>
    public TaskType? Task => StepTypes.Task(Type);

    /// <summary>The task step's parameters as the experiment file gave them (the record the schema is generated from).</summary>
    public Step Record()
    {
        var type = Task ?? throw new InvalidDataException($"step '{Id}' is a {Type} step, not a task");
        return Parameters?.Deserialize(type.RecordType, ExperimentJson.Options) as Step
               ?? throw new InvalidDataException($"step '{Id}' of type {Type} came without its parameters");
    }
}

/// <summary>How the participant leaves a step: on to the next (with answers for a questionnaire), or declining consent.</summary>
public enum StepEnd { Advance, Decline }

/// <summary>What a participant does in one step: its events, and how it ends.</summary>
public sealed record StepPlan(IReadOnlyList<ClientEvent> Events, StepEnd End, IReadOnlyDictionary<string, string?>? Answers);

/// <summary>
/// The events of every step, as the participant's page (wwwroot/js) logs them: the onset, then
/// for a task step what its task type's script does (<see cref="TaskType.Simulate"/>), for the
/// other kinds of step what is written here. The answers to the questions a task compares with
/// (own name, home town) come from the task steps seen earlier in the session
/// (<see cref="TaskType.SimulatedAnswers"/>).
/// </summary>
public static class StepScript
{
    public static StepPlan Plan(StepInfo step, StepContext context, IReadOnlyDictionary<string, string> identityAnswers)
    {
        var p = context.Participant;
        var events = new List<ClientEvent> { Onset(step.Index, context) };
        if (step.Task is { } task)
        {
            events.AddRange(task.Simulate(step.Record(), context.For(task, step.Page)));
            return new StepPlan(events, StepEnd.Advance, null);
        }
        switch (step.Type)
        {
            case "consent":
            {
                var decline = p.DeclinesConsent;
                events.Add(Click(context.Uniform(3000, 20000), decline ? "decline" : "agree"));
                return new StepPlan(events, decline ? StepEnd.Decline : StepEnd.Advance, null);
            }
            case "questionnaire":
                return Questionnaire(step, context, identityAnswers, events);
            default:
                // Instructions, the debrief and any step without a script: read, then go on.
                if (step.Type != "debrief") events.Add(Click(context.Uniform(1500, 9000), "continue"));
                return new StepPlan(events, StepEnd.Advance, null);
        }
    }

    /// <summary>What every step logs at its first frame (participant.js).</summary>
    public static ClientEvent Onset(int index, StepContext context) => new EventList().Add(0, CommonEvents.Onset, new
    {
        index,
        wall = context.WallClockMs,
        timeOrigin = context.WallClockMs - 1500,
        viewport = new { width = context.Participant.ViewportWidth, height = context.Participant.ViewportHeight },
        coarsePointer = context.Participant.CoarsePointer,
    }).Events[0];

    private static ClientEvent Click(double t, string target) => new EventList().Add(t, "ui.click", new { target }).Events[0];

    /// <summary>
    /// What the participant will answer to the questions a task step compares with (question id →
    /// answer), from its task type; every question the task names as identifying gets one.
    /// </summary>
    /// <exception cref="InvalidDataException">the task type's simulation leaves an identifying question unanswered.</exception>
    public static IReadOnlyDictionary<string, string> IdentityAnswers(StepInfo step, StepContext context)
    {
        if (step.Task is not { } task) return new Dictionary<string, string>();
        var record = step.Record();
        var answers = task.SimulatedAnswers(record, context.Participant.Person);
        foreach (var question in task.IdentifyingQuestions(record))
            if (!answers.ContainsKey(question))
                throw new InvalidDataException($"the {task.Name} task compares step '{step.Id}' with question '{question}', but its simulation gives no answer to it (TaskType.SimulatedAnswers)");
        return answers;
    }

    /// <summary>Answers the tasks asked for as they said; a place with the home town; numbers within their bounds; a random option for a choice.</summary>
    private static StepPlan Questionnaire(StepInfo step, StepContext context, IReadOnlyDictionary<string, string> identity, List<ClientEvent> logged)
    {
        var p = context.Participant;
        var events = new EventList();
        var answers = new Dictionary<string, string?>();
        var t = context.Uniform(800, 3000);
        foreach (var question in step.Questions)
        {
            string? answer = identity.TryGetValue(question.Id, out var given) ? given : question.Type switch
            {
                "place" => HomeTown.Format(p.HomeTown, p.HomeTownShown),
                "number" => Math.Clamp(p.Age, question.Min ?? double.MinValue, question.Max ?? double.MaxValue).ToString(CultureInfo.InvariantCulture),
                "choice" when question.Options.Count > 0 => question.Options[context.Random.Next(question.Options.Count)],
                "text" when question.Required => "ok",
                _ => null,
            };
            if (answer is null) continue;
            if (question.Type == "choice")
            {
                events.Add(t, "answer.change", new { question = question.Id });
                t += context.Uniform(600, 2500);
            }
            else
            {
                // A place is typed until the suggestion shows, then chosen; everything else is typed out.
                var typed = question.Type == "place" ? Math.Min(p.HomeTown.Name.Length, context.Random.Next(3, 7)) : answer.Length;
                for (var i = 1; i <= typed; i++)
                {
                    events.Add(t, "answer.input", new { question = question.Id, length = i });
                    t += context.Uniform(90, 260);
                }
                if (question.Type == "place") events.Add(t + context.Uniform(300, 1200), "answer.choose", new { question = question.Id, rank = 0 });
                t += context.Uniform(500, 2000);
            }
            answers[question.Id] = answer.Length > question.MaxLength ? answer[..question.MaxLength] : answer;
        }
        events.Add(t, "ui.click", new { target = "submit" });
        logged.AddRange(events.Events);
        return new StepPlan(logged, StepEnd.Advance, answers);
    }
}
