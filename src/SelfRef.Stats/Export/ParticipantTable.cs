using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;

namespace SelfRef.Stats.Export;

/// <summary>
/// One row per session: how far the participant came, and their questionnaire answers, one
/// column per question. Answers that identify the participant (<see cref="Identifiers.AnswerKeys"/>)
/// and every recruitment parameter (a Prolific id is a person) are columns only when identifiers
/// are included. The browser's user agent and the completion code are never exported.
/// </summary>
public static class ParticipantTable
{
    public const string Name = "participants";

    private static readonly IReadOnlyList<ExportField<Session>> Fixed =
    [
        new(new("participant", ColumnKind.Text, "The participant's random pseudonym, as in the outcome and event tables.", "", "P- and 10 letters or digits"), s => s.Id),
        new(new("experiment", ColumnKind.Text, "Experiment id.", "", "text"), s => s.ExperimentId),
        new(new("condition", ColumnKind.Text, "Between-subject condition the participant was assigned to.", "", "a condition id of the experiment file; 'default' when it has none; empty when consent was declined"), s => s.ConditionId),
        new(new("language", ColumnKind.Text, "Language the participant saw.", "", "a language tag of the experiment, e.g. de, en, fr"), s => s.Language),
        new(new("status", ColumnKind.Text, "State of the session when exported.", "", "active (still going), completed, declined (refused consent: nothing else is kept), abandoned (silent longer than the experiment allows)"), s => s.Status.ToString().ToLowerInvariant()),
        new(new("started_at", ColumnKind.Timestamp, "When the participant opened the link (server clock).", "UTC", "ISO 8601 time"), s => s.StartedAt),
        new(new("ended_at", ColumnKind.Timestamp, "When the session completed or was declined (server clock).", "UTC", "ISO 8601 time; empty while it has not ended"), s => s.EndedAt),
        new(new("last_seen_at", ColumnKind.Timestamp, "Last time the participant's browser was heard from (server clock).", "UTC", "ISO 8601 time"), s => s.LastSeenAt),
        new(new("completed", ColumnKind.Flag, "Whether the participant reached the end of the experiment.", "", "1 = completed, 0 = not"), s => s.Status == SessionStatus.Completed),
        new(new("current_step", ColumnKind.Text, "The step the participant is at (the last one for a completed session).", "", "a step id of the experiment file"), s => s.Steps.Count == 0 ? null : s.CurrentStep),
        new(new("steps_reached", ColumnKind.Integer, "How many steps of their condition the participant has reached, the current one included.", "", "0, 1, 2, ..."), s => s.Steps.Count == 0 ? 0 : Math.Min(s.StepIndex + 1, s.Steps.Count)),
        new(new("pilot", ColumnKind.Flag, "Whether the session was a researcher's pilot run (preview link), not a participant. Pilot runs are exported only when asked for.", "", "1 = pilot run, 0 = participant"), s => s.Pilot),
        new(new("excluded", ColumnKind.Flag, "Whether a researcher excluded the session from the analysis (the report leaves it out by default).", "", "1 = excluded, 0 = included"), s => s.Exclusion is not null),
        new(new("exclusion_reason", ColumnKind.Text, "Why the researcher excluded the session, as they wrote it.", "", "text; empty when not excluded"), s => s.Exclusion?.Reason),
    ];

    /// <summary>The version column: the session's version as its experiment's history resolves it.</summary>
    private static ExportField<Session> VersionField(ExperimentHistory history) =>
        new(new("version", ColumnKind.Text, "Version of the experiment file the session ran on: the SHA-256 of the file's text.", "", "64 hex digits; the researcher pages show the first 10"), history.HashOf);

    /// <summary>The columns for this experiment: the fixed ones, one per question, one per recruitment parameter.</summary>
    public static IReadOnlyList<ExportField<Session>> Fields(Experiment experiment) => Fields(ExperimentHistory.Single(experiment), [experiment]);

    /// <summary>
    /// The columns for these versions of the experiment: the fixed ones, one per question of any of
    /// them (the newest version's wording), one per recruitment parameter of any of them.
    /// </summary>
    public static IReadOnlyList<ExportField<Session>> Fields(ExperimentHistory history, IReadOnlyList<Experiment> versions)
    {
        var identifying = versions.SelectMany(Identifiers.AnswerKeys).ToHashSet(StringComparer.Ordinal);
        var fields = new List<ExportField<Session>>(Fixed) { VersionField(history) };
        // The newest version's questions in its order, then those only older versions asked.
        var questions = versions.AsEnumerable().Reverse()
            .SelectMany(e => e.Steps.OfType<QuestionnaireStep>().SelectMany(step => step.Questions.Select(q => (Experiment: e, Step: step, Question: q))))
            .DistinctBy(q => $"{q.Step.Id}.{q.Question.Id}", StringComparer.Ordinal);
        foreach (var (experiment, step, question) in questions)
        {
            var language = experiment.Languages[0];
            var key = $"{step.Id}.{question.Id}";
            var isIdentifying = identifying.Contains(key);
            var column = new ExportColumn(key, question.Type == QuestionType.Number ? ColumnKind.Number : ColumnKind.Text,
                $"Answer to \"{question.Label.In(language)}\" (step {step.Id}).{(isIdentifying ? " Identifies the participant." : "")}",
                "", AnswerValues(question, language), isIdentifying);
            fields.Add(new(column, s => Answer(s, key, question.Type)));
        }
        foreach (var parameter in versions.SelectMany(Identifiers.RecruitmentParameters).Distinct(StringComparer.Ordinal))
            fields.Add(new(new ExportColumn(parameter, ColumnKind.Text,
                $"Recruitment parameter {parameter} from the participant link, as the recruitment platform sent it. Identifies the participant.",
                "", "text as received; empty when the link had none", Identifying: true),
                s => s.Recruitment.GetValueOrDefault(parameter)));
        return fields;
    }

    public static ExportTable Of(ExportSource source, bool includeIdentifiers) =>
        ExportTable.Of(Name, "One row per participant (session): progress, timing and questionnaire answers.", Fields(source.History, source.Versions), source.Ordered, includeIdentifiers);

    private static object? Answer(Session session, string key, QuestionType type)
    {
        if (!session.Answers.TryGetValue(key, out var text)) return null;
        // Numbers are stored in invariant culture; anything else is kept as the text it is, never dropped.
        // "NaN" or "Infinity" (accepted before the questionnaire refused them) is no number a reader can use: it stays text.
        return type == QuestionType.Number && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : text;
    }

    private static string AnswerValues(Question question, string language)
    {
        const string unanswered = "; empty when not (yet) answered";
        return question.Type switch
        {
            QuestionType.Number => $"number{(question.Min is { } min ? string.Create(CultureInfo.InvariantCulture, $" >= {min}") : "")}{(question.Max is { } max ? string.Create(CultureInfo.InvariantCulture, $" <= {max}") : "")}{unanswered}; text only for a stored answer that is no finite number (NaN, Infinity: refused since, possible in sessions from before)",
            QuestionType.Choice => string.Join(", ", question.Options!.Select(o => $"{o.Value} = {o.Label.In(language)}")) + unanswered,
            QuestionType.Place => "a place picked from the gazetteer as gn:{GeoNames id}|{name as shown}, else the text as typed" + unanswered,
            _ => $"free text as typed (at most {question.MaxLength} characters){unanswered}",
        };
    }
}
