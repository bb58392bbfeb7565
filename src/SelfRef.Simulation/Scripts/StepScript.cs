using System.Globalization;
using System.Text.Json;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Simulation.Scripts;

/// <summary>A question as the participant's page receives it (the state's step.questions).</summary>
public sealed record QuestionInfo(string Id, string Type, bool Required, double? Min, double? Max, int MaxLength, IReadOnlyList<string> Options);

/// <summary>The current step as the participant's page receives it from GET /api/p/{token}.</summary>
public sealed record StepInfo(string Id, string Type, int Index, int Count, IReadOnlyList<QuestionInfo> Questions, JsonElement? Parameters)
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
        step.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object ? parameters.Clone() : null);

    /// <summary>The task's parameters as the experiment file gave them (the record the schema is generated from).</summary>
    public T Task<T>() where T : Step =>
        Parameters?.Deserialize<T>(ExperimentJson.Options) ?? throw new InvalidDataException($"step '{Id}' of type {Type} came without its parameters");
}

/// <summary>How the participant leaves a step: on to the next (with answers for a questionnaire), or declining consent.</summary>
public enum StepEnd { Advance, Decline }

/// <summary>What a participant does in one step: its events, and how it ends.</summary>
public sealed record StepPlan(IReadOnlyList<SelfRef.Core.Events.ClientEvent> Events, StepEnd End, IReadOnlyDictionary<string, string?>? Answers);

/// <summary>
/// The events of every kind of step, as the participant's page (wwwroot/js) logs them. Which
/// questions ask for the name and home town comes from the task steps' parameters
/// (firstNameQuestion, surnameQuestion, homeTownQuestion) seen earlier in the session.
/// </summary>
public static class StepScript
{
    public static StepPlan Plan(StepInfo step, StepContext context, IReadOnlyDictionary<string, string> identityQuestions)
    {
        var p = context.Participant;
        switch (step.Type)
        {
            case "consent":
            {
                var events = EventList.Onset(step.Index, context);
                var decline = p.DeclinesConsent;
                events.Add(context.Uniform(3000, 20000), "ui.click", new { target = decline ? "decline" : "agree" });
                return new StepPlan(events.Events, decline ? StepEnd.Decline : StepEnd.Advance, null);
            }
            case "pen":
                return new StepPlan(PenScript.Events(step.Task<PenStep>(), step.Index, context).Events, StepEnd.Advance, null);
            case "map":
                return new StepPlan(MapScript.Events(step.Task<MapStep>(), step.Index, context).Events, StepEnd.Advance, null);
            case "questionnaire":
                return Questionnaire(step, context, identityQuestions);
            default:
            {
                // Instructions, the debrief and any step without a script: read, then go on.
                var events = EventList.Onset(step.Index, context);
                if (step.Type != "debrief") events.Add(context.Uniform(1500, 9000), "ui.click", new { target = "continue" });
                return new StepPlan(events.Events, StepEnd.Advance, null);
            }
        }
    }

    /// <summary>Name, surname and home town from the identity questions; numbers within their bounds; a random option for a choice.</summary>
    private static StepPlan Questionnaire(StepInfo step, StepContext context, IReadOnlyDictionary<string, string> identity)
    {
        var p = context.Participant;
        var events = EventList.Onset(step.Index, context);
        var answers = new Dictionary<string, string?>();
        var t = context.Uniform(800, 3000);
        foreach (var question in step.Questions)
        {
            var role = identity.GetValueOrDefault(question.Id);
            string? answer = (question.Type, role) switch
            {
                (_, "firstName") => p.FirstName,
                (_, "surname") => p.Surname,
                ("place", _) => Core.Tasks.Map.HomeTown.Format(p.HomeTown, p.HomeTownShown),
                ("number", _) => Math.Clamp(p.Age, question.Min ?? double.MinValue, question.Max ?? double.MaxValue).ToString(CultureInfo.InvariantCulture),
                ("choice", _) when question.Options.Count > 0 => question.Options[context.Random.Next(question.Options.Count)],
                ("text", _) when question.Required => "ok",
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
        return new StepPlan(events.Events, StepEnd.Advance, answers);
    }

    /// <summary>The questions a task step names for the identity: question id → firstName, surname or homeTown.</summary>
    public static IEnumerable<(string Question, string Role)> IdentityQuestions(StepInfo step) => step.Type switch
    {
        "pen" when step.Task<PenStep>() is var pen => [(pen.FirstNameQuestion, "firstName"), (pen.SurnameQuestion, "surname")],
        "map" when step.Task<MapStep>() is var map => [(map.HomeTownQuestion, "homeTown")],
        _ => [],
    };
}
