using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Privacy;

/// <summary>
/// What of a participant's data identifies them in an experiment: answers to questions marked
/// identifying or used by a task for the own name or home town, every recruitment parameter
/// (a Prolific id is a person), and the text fields of task events that can spell a name or a
/// town. Encryption at rest, retention, exports and withdrawal all ask here.
/// </summary>
public static class Identifiers
{
    /// <summary>Answer keys ("step.question") whose answers identify the participant.</summary>
    public static IReadOnlySet<string> AnswerKeys(Experiment experiment)
    {
        var used = experiment.Steps.OfType<IIdentifyingTask>().SelectMany(t => t.IdentifyingQuestions).ToHashSet(StringComparer.Ordinal);
        return experiment.Steps.OfType<QuestionnaireStep>()
            .SelectMany(step => step.Questions.Where(q => q.Identifying || used.Contains(q.Id)).Select(q => $"{step.Id}.{q.Id}"))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Recruitment parameters are ids of people on a recruitment platform: all of them identify.</summary>
    public static IReadOnlyList<string> RecruitmentParameters(Experiment experiment) => experiment.Recruitment.Parameters;

    /// <summary>The identifying fields of one event of a step, or none.</summary>
    public static IReadOnlyList<string> EventFields(Step? step, string eventType) =>
        step is IIdentifyingTask task && task.IdentifyingEventFields.TryGetValue(eventType, out var fields) ? fields : [];

    /// <summary>
    /// An event's data (JSON object text) without its identifying fields; the data as given when
    /// it has none. Removed fields are named in "redacted" so a reader sees that something was there.
    /// </summary>
    public static string? Redact(Step? step, string eventType, string? data)
    {
        var fields = EventFields(step, eventType);
        if (fields.Count == 0 || data is null || JsonNode.Parse(data) is not JsonObject json) return data;
        var removed = new JsonArray();
        foreach (var field in fields)
            if (json.Remove(field)) removed.Add(field);
        if (removed.Count > 0) json["redacted"] = removed;
        return json.ToJsonString();
    }
}
