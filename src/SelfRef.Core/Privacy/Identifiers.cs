using System.Globalization;
using System.Text.Json.Nodes;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;

namespace SelfRef.Core.Privacy;

/// <summary>
/// What of a participant's data identifies them in an experiment, by the kind of data, never by a
/// flag a researcher may forget: answers to place and free-text questions (and to any question a
/// task uses for the own name or home town, or marked identifying), every recruitment parameter
/// (a Prolific id is a person), the event fields a step type declares identifying (typed text,
/// place searches, map coordinates) and the outcome columns a task type declares identifying
/// (coordinates, the letter picked) together with its match detail's place names. Sealing at rest,
/// retention, exports, the researcher pages' outcome table and live report, the privacy page and
/// withdrawal all ask here, and here asks the step types' declarations (StepTypes).
/// </summary>
public static class Identifiers
{
    /// <summary>Answer keys ("step.question") whose answers identify the participant.</summary>
    public static IReadOnlySet<string> AnswerKeys(Experiment experiment)
    {
        var used = experiment.Steps.SelectMany(step => StepTypes.TaskOf(step)?.IdentifyingQuestions(step) ?? []).ToHashSet(StringComparer.Ordinal);
        return experiment.Steps.OfType<QuestionnaireStep>()
            .SelectMany(step => step.Questions.Where(q => IdentifiesByKind(q) || q.Identifying || used.Contains(q.Id)).Select(q => $"{step.Id}.{q.Id}"))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A place names where the participant lives or was; free text can hold anything, a name included.</summary>
    public static bool IdentifiesByKind(Question question) => question.Type is QuestionType.Place or QuestionType.Text;

    /// <summary>Recruitment parameters are ids of people on a recruitment platform: all of them identify.</summary>
    public static IReadOnlyList<string> RecruitmentParameters(Experiment experiment) => experiment.Recruitment.Parameters;

    /// <summary>The identifying fields of one event of a step, or none.</summary>
    public static IReadOnlyList<string> EventFields(Step? step, string eventType) =>
        step is null ? [] : StepTypes.Of(step).Event(step, eventType)?.Identifying ?? [];

    /// <summary>
    /// An event's data (JSON object text) without its identifying fields; the data as given when
    /// it has none. Removed fields are named in "redacted" so a reader sees that something was there.
    /// With a <paramref name="coarse"/> grid, coordinate fields are kept rounded to it (named in
    /// "coarsened") instead of removed. Every other value is written as it came in.
    /// </summary>
    public static string? Redact(Step? step, string eventType, string? data, CoarseGrid? coarse = null)
    {
        var declaration = step is null ? null : StepTypes.Of(step).Event(step, eventType);
        if (declaration is null || declaration.Identifying.Count == 0 || data is null) return data;
        if (JsonNode.Parse(data) is not JsonObject json) return data;
        var removed = new JsonArray();
        var coarsened = new JsonArray();
        var lat = coarse is null ? null : Degrees(json, declaration.Coordinates.FirstOrDefault(c => c.Axis == CoordinateAxis.Latitude)?.Field);
        foreach (var field in declaration.Identifying)
        {
            if (!json.ContainsKey(field)) continue;
            var coordinate = declaration.Coordinates.FirstOrDefault(c => c.Field == field);
            if (coarse is not null && coordinate is not null && Coarse(json[field], coordinate.Axis, lat, coarse) is { } rounded)
            {
                json[field] = rounded;
                coarsened.Add(field);
                continue;
            }
            json.Remove(field);
            removed.Add(field);
        }
        if (removed.Count > 0) json["redacted"] = removed;
        if (coarsened.Count > 0) json["coarsened"] = coarsened;
        return json.ToJsonString();
    }

    private static double? Degrees(JsonObject json, string? field) =>
        field is not null && json[field] is JsonValue value && value.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    /// <summary>A coordinate field's value rounded to the grid, or null when it is not what its declaration says (then it is removed).</summary>
    private static JsonNode? Coarse(JsonNode? value, CoordinateAxis axis, double? lat, CoarseGrid grid)
    {
        double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;
        switch (axis)
        {
            case CoordinateAxis.Latitude when Number(value) is { } latitude:
                return JsonValue.Create(grid.Latitude(latitude));
            case CoordinateAxis.Longitude when Number(value) is { } longitude && lat is { } rowLat:
                return JsonValue.Create(grid.Longitude(rowLat, longitude));
            case CoordinateAxis.Bounds when value is JsonArray { Count: 4 } box && box.Select(Number).ToList() is [{ } s, { } w, { } n, { } e]:
                return new JsonArray(grid.Latitude(s), grid.Longitude(s, w), grid.Latitude(n), grid.Longitude(n, e));
            default:
                return null;
        }
    }

    /// <summary>
    /// A task outcome as it may leave without identifiers: the task type drops its identifying
    /// columns and the place names of its match detail (the same rule retention applies when it
    /// freezes outcomes). With a <paramref name="coarse"/> grid the first target's coordinates are
    /// kept rounded to it; the home town's never.
    /// </summary>
    public static TaskOutcome Outcome(TaskType? type, Step? step, TaskOutcome outcome, CoarseGrid? coarse = null)
    {
        if (type is null) return outcome with { MatchDetail = null, Columns = new Dictionary<string, string?>() };
        var kept = type.WithoutIdentifiers(step, outcome);
        if (coarse is null) return kept;
        var latColumn = type.Columns.FirstOrDefault(c => c.Role == OutcomeColumnRole.TargetLatitude);
        var lonColumn = type.Columns.FirstOrDefault(c => c.Role == OutcomeColumnRole.TargetLongitude);
        if (latColumn is null || lonColumn is null) return kept;
        var columns = kept.Columns.ToDictionary(c => c.Key, c => c.Value);
        if (Parse(outcome.Columns.GetValueOrDefault(latColumn.Name)) is { } lat && Parse(outcome.Columns.GetValueOrDefault(lonColumn.Name)) is { } lon)
        {
            columns[latColumn.Name] = grid(coarse.Latitude(lat));
            columns[lonColumn.Name] = grid(coarse.Longitude(lat, lon));
        }
        return kept with { Columns = columns };

        static string grid(double degrees) => degrees.ToString("R", CultureInfo.InvariantCulture);
    }

    private static double? Parse(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    /// <summary>Every event type of the experiment with identifying fields, and which fields (for codebooks and the privacy page).</summary>
    public static IEnumerable<(string Type, IReadOnlyList<string> Fields)> EventTypes(Experiment experiment) =>
        experiment.Steps.SelectMany(step => StepTypes.Of(step).Events(step).Where(e => e.Identifying.Count > 0).Select(e => (e.Type, e.Identifying)))
            .DistinctBy(e => e.Type);
}
