using SelfRef.Core.Privacy;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Outcomes;
using C = SelfRef.Stats.Outcomes.OutcomeColumns;

namespace SelfRef.Stats.Export;

/// <summary>The outcome table as an export: one row per participant and task, the columns of <see cref="OutcomeColumns"/>.</summary>
public static class OutcomeTable
{
    public const string Name = "outcomes";

    /// <summary>The columns every task has.</summary>
    public static readonly IReadOnlyList<ExportField<OutcomeRow>> Common =
    [
        Field(C.Participant, ColumnKind.Text, "The participant's random pseudonym (the same in every file of this export); never a name.", "", "P- and 10 letters or digits, e.g. P-7KQ2M9XH4T", r => r.Participant),
        Field(C.Experiment, ColumnKind.Text, "Experiment id, as in the experiment file.", "", "text", r => r.Experiment),
        Field(C.Task, ColumnKind.Text, "Task type of the step.", "", "one value per task type: " + string.Join(", ", SelfRef.Core.Experiments.StepTypes.Tasks.Select(t => t.Name)), r => r.Task),
        Field(C.Condition, ColumnKind.Text, "Between-subject condition the participant was assigned to.", "", "a condition id of the experiment file; 'default' when it has none", r => r.Condition),
        Field(C.TaskOrder, ColumnKind.Integer, "Position of this task among the participant's tasks.", "", "1, 2, ...; empty when unknown", r => r.TaskOrder),
        Field(C.Device, ColumnKind.Text, "Device class, from what the browser reported when the task appeared.", "", "desktop, tablet, phone; empty when the task never appeared", r => r.Device),
        Field(C.PointerType, ColumnKind.Text, "Pointer of the first action.", "", "mouse, touch, pen, keyboard; empty when there was no action", r => r.PointerType),
        Field(C.Language, ColumnKind.Text, "Language the participant saw.", "", "a language tag of the experiment, e.g. de, en", r => r.Language),
        Field(C.LatencyMs, ColumnKind.Number, "Time from the first frame of the task to the first action, from the browser's event timestamps.", "ms", "number >= 0; empty when there was no action", r => r.LatencyMs),
        Field(C.SelfReference, ColumnKind.Flag, "Whether the first action referred to the self, as the task type defines it (pen: the first word is the own name; map: the first target lies within the home radius of the home town).", "", "1 = self-referential, 0 = not; empty = cannot be said (see missing_reason)", r => r.SelfReference),
        Field(C.MissingReason, ColumnKind.Text, "Why self_reference is empty.", "", "e.g. no action, not coded, unreadable, no name given, not reached, in progress, home town not in gazetteer; empty when self_reference is given", r => r.MissingReason),
        Field(C.MatchDetail, ColumnKind.Text, "How the classification was reached. Without identifiers it names no place (map: how the target was singled out, not where).", "", "e.g. 'first name (fuzzy 0.93)', 'coded by 2: own name, own name', 'coded by 2: own name, other word; adjudicated by anna: own name', 'zoom 10 held'; empty when not classified", r => r.MatchDetail),
        Field(C.Completed, ColumnKind.Flag, "Whether the participant reached the end of the experiment.", "", "1 = completed, 0 = not (yet)", r => r.Completed),
        Field(C.Version, ColumnKind.Text, "Version of the experiment file the participant's session ran on: the SHA-256 of the file's text. Sessions of different versions may have seen different steps or texts.", "", "64 hex digits; the researcher pages show the first 10", r => r.Version),
        Field(C.Pilot, ColumnKind.Flag, "Whether the session was a researcher's pilot run (preview link), not a participant. Pilot runs are exported only when asked for.", "", "1 = pilot run, 0 = participant", r => r.Pilot),
        Field(C.Excluded, ColumnKind.Flag, "Whether a researcher excluded the session from the analysis (the report leaves it out by default).", "", "1 = excluded, 0 = included", r => r.Excluded),
        Field(C.ExclusionReason, ColumnKind.Text, "Why the researcher excluded the session, as they wrote it.", "", "text; empty when not excluded", r => r.ExclusionReason),
    ];

    /// <summary>The common columns, then the own columns of the given task types, each with the codebook text its task type declares.</summary>
    /// <param name="coarse">the grid the first targets' coordinates are rounded to in rows without identifiers: those columns are kept (rounded), not identifying.</param>
    public static IReadOnlyList<ExportField<OutcomeRow>> Fields(IEnumerable<string>? tasks = null, CoarseGrid? coarse = null) =>
    [
        .. Common,
        .. C.TaskColumns(tasks).Select(c => new ExportField<OutcomeRow>(Column(c, coarse), r => Value(r, c))),
    ];

    private static ExportColumn Column(OutcomeColumn c, CoarseGrid? coarse)
    {
        var kind = c.Kind switch { OutcomeColumnKind.Number => ColumnKind.Number, OutcomeColumnKind.Boolean => ColumnKind.Flag, _ => ColumnKind.Text };
        return coarse is not null && c.Role is OutcomeColumnRole.TargetLatitude or OutcomeColumnRole.TargetLongitude
            ? new ExportColumn(c.Name, kind, $"{c.Description} Rounded to the centre of a grid cell of about {coarse.Km:0.#} km (coarse coordinates: the place itself cannot be read back).", c.Unit, c.Values)
            : new ExportColumn(c.Name, kind, c.Description, c.Unit, c.Values, c.Identifying);
    }

    private static object? Value(OutcomeRow row, OutcomeColumn column) => column.Kind switch
    {
        OutcomeColumnKind.Number => row.Number(column.Name),
        OutcomeColumnKind.Boolean => row.Columns.GetValueOrDefault(column.Name) is { } text ? text == "true" : null,
        _ => row.Columns.GetValueOrDefault(column.Name),
    };

    private static ExportField<OutcomeRow> Field(string name, ColumnKind kind, string description, string unit, string values, Func<OutcomeRow, object?> value) =>
        new(new ExportColumn(name, kind, description, unit, values), value);

    /// <param name="rows">rows as derived; without identifiers they must be de-identified already (<see cref="OutcomeDerivation.Rows"/>, deidentified: match details without place names).</param>
    public static ExportTable Of(IEnumerable<OutcomeRow> rows, bool includeIdentifiers, IEnumerable<string>? tasks = null, CoarseGrid? coarse = null) =>
        ExportTable.Of(Name, "One row per participant and task: what was done first, how fast, and whether it referred to the self.", Fields(tasks, includeIdentifiers ? null : coarse), rows, includeIdentifiers);
}
