using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;

namespace SelfRef.Stats.Export;

/// <summary>
/// Every stored event as a row, read session by session: a million events pass through with the
/// memory of one session's. Identifying fields of task events (typed text, place searches) are
/// removed by <see cref="Identifiers.Redact"/> unless identifiers are included.
/// </summary>
public static class EventTable
{
    public const string Name = "events";

    public sealed record EventRow(string Participant, string Experiment, string Condition, string Step, string Task, string Stream, long N, double T, string Type, string? Data);

    public static readonly IReadOnlyList<ExportField<EventRow>> Fields =
    [
        new(new("participant", ColumnKind.Text, "The participant's random pseudonym, as in the outcome and participant tables.", "", "P- and 10 letters or digits"), r => r.Participant),
        new(new("experiment", ColumnKind.Text, "Experiment id.", "", "text"), r => r.Experiment),
        new(new("condition", ColumnKind.Text, "Between-subject condition of the participant.", "", "a condition id of the experiment file; 'default' when it has none"), r => r.Condition),
        new(new("step", ColumnKind.Text, "Id of the step the event belongs to, as in the experiment file.", "", "a step id"), r => r.Step),
        new(new("task", ColumnKind.Text, "Type of that step.", "", "consent, instructions, pen, map, questionnaire, debrief"), r => r.Task),
        new(new("stream", ColumnKind.Text, "Browser tab that sent the event: each tab of a session numbers and times its events on its own.", "", "empty for the first tab, else a short id"), r => r.Stream),
        new(new("n", ColumnKind.Integer, "Number of the event in its stream, counted from 1 without gaps.", "", "1, 2, ..."), r => r.N),
        new(new("t_ms", ColumnKind.Number, "Time of the event since the first frame that showed its step, from the browser's event timestamp.", "ms", "number (may be slightly negative for input that arrived while the step was being drawn)"), r => r.T),
        new(new("type", ColumnKind.Text, "What happened.", "", "e.g. step.onset, ui.click, page.visibility, answer.input, pen.down, pen.points, pen.up, key.down, text.input, map.view, map.click, map.search.input, map.search.choose (README, 'Logged')"), r => r.Type),
        new(new("data", ColumnKind.Json, "The event's data as the browser sent it (every value as it came in). Unless identifiers are included, fields that can spell a name or point at a place (typed text, keys, place searches, map coordinates) are removed and listed in its \"redacted\" field; with coarse coordinates, map coordinates are rounded to the grid instead and listed in \"coarsened\".", "", "a JSON object (text in CSV); empty when the event has none"), r => r.Data),
    ];

    public static ExportTable Of(ExportSource source, bool includeIdentifiers, CoarseGrid? coarse = null) =>
        ExportTable.Of(Name, "One row per stored event, in the order each browser tab sent them.", Fields, Rows(source, includeIdentifiers, coarse), includeIdentifiers);

    public static IEnumerable<EventRow> Rows(ExportSource source, bool includeIdentifiers, CoarseGrid? coarse = null)
    {
        var experiment = source.Experiment;
        foreach (var session in source.Ordered)
        {
            // The session's own version says what its steps are (and which of their event fields identify).
            var steps = source.History.ExperimentOf(session).Steps.ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var batch in source.EventsOf(session.Id))
            {
                var step = steps.GetValueOrDefault(batch.Step);
                var task = step is null ? "" : StepTypes.Of(step).Name;
                foreach (var e in batch.Events)
                {
                    var data = includeIdentifiers ? e.DataJson : Identifiers.Redact(step, e.Type, e.DataJson, coarse);
                    yield return new EventRow(session.Id, experiment.Id, session.ConditionId, batch.Step, task, batch.Stream, e.N, e.T, e.Type, data);
                }
            }
        }
    }
}
