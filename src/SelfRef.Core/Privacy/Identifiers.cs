using SelfRef.Core.Experiments;

namespace SelfRef.Core.Privacy;

/// <summary>
/// What of a participant's data identifies them in an experiment: answers to questions marked
/// identifying or used by a task for the own name or home town, every recruitment parameter
/// (a Prolific id is a person), and the event fields a step type declares identifying (typed
/// text, place searches). Sealing at rest, retention, exports and withdrawal all ask here, and
/// here asks the step types' declarations (StepTypes).
/// </summary>
public static class Identifiers
{
    /// <summary>Answer keys ("step.question") whose answers identify the participant.</summary>
    public static IReadOnlySet<string> AnswerKeys(Experiment experiment)
    {
        var used = experiment.Steps.SelectMany(step => StepTypes.TaskOf(step)?.IdentifyingQuestions(step) ?? []).ToHashSet(StringComparer.Ordinal);
        return experiment.Steps.OfType<QuestionnaireStep>()
            .SelectMany(step => step.Questions.Where(q => q.Identifying || used.Contains(q.Id)).Select(q => $"{step.Id}.{q.Id}"))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Recruitment parameters are ids of people on a recruitment platform: all of them identify.</summary>
    public static IReadOnlyList<string> RecruitmentParameters(Experiment experiment) => experiment.Recruitment.Parameters;

    /// <summary>The identifying fields of one event of a step, or none.</summary>
    public static IReadOnlyList<string> EventFields(Step? step, string eventType) =>
        step is null ? [] : StepTypes.Of(step).Event(step, eventType)?.Identifying ?? [];

    /// <summary>
    /// An event's data (JSON object text) without its identifying fields; the data as given when
    /// it has none. Removed fields are named in "redacted" so a reader sees that something was there.
    /// </summary>
    public static string? Redact(Step? step, string eventType, string? data)
    {
        var fields = EventFields(step, eventType);
        if (fields.Count == 0 || data is null || System.Text.Json.Nodes.JsonNode.Parse(data) is not System.Text.Json.Nodes.JsonObject json) return data;
        var removed = new System.Text.Json.Nodes.JsonArray();
        foreach (var field in fields)
            if (json.Remove(field)) removed.Add(field);
        if (removed.Count > 0) json["redacted"] = removed;
        return json.ToJsonString();
    }

    /// <summary>Every event type of the experiment with identifying fields, and which fields (for codebooks and the privacy page).</summary>
    public static IEnumerable<(string Type, IReadOnlyList<string> Fields)> EventTypes(Experiment experiment) =>
        experiment.Steps.SelectMany(step => StepTypes.Of(step).Events(step).Where(e => e.Identifying.Count > 0).Select(e => (e.Type, e.Identifying)))
            .DistinctBy(e => e.Type);
}
