using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// One participant's result on one task: the unit every estimator counts. The columns every task
/// has are properties; a task type's own columns (declared in its TaskType.Columns, e.g. the map
/// task's distance_km) are in <see cref="Columns"/> as invariant text.
/// </summary>
/// <param name="Participant">Random pseudonym; never a name.</param>
/// <param name="Experiment">Experiment id, e.g. "gallup-replication".</param>
/// <param name="Task">Task type, e.g. "pen" or "map".</param>
/// <param name="Condition">Between-subject condition level; empty when the experiment has none.</param>
/// <param name="TaskOrder">1-based position of the task in the participant's sequence, when known.</param>
/// <param name="Device">Device class, e.g. "desktop", "tablet", "phone".</param>
/// <param name="PointerType">Pointer of the first action: "mouse", "touch", "pen", "keyboard".</param>
/// <param name="Language">Language the participant saw.</param>
/// <param name="LatencyMs">Time from task start to the first action, in milliseconds.</param>
/// <param name="SelfReference">Whether the first action referred to the self; null when it is missing.</param>
/// <param name="MissingReason">Why <paramref name="SelfReference"/> is missing: "not coded", "no action", "declined", ...</param>
/// <param name="MatchDetail">How the classification was reached, e.g. "first name (fuzzy 0.93)".</param>
/// <param name="Completed">Whether the participant reached the end of the experiment.</param>
public sealed record OutcomeRow(
    string Participant,
    string Experiment,
    string Task,
    string Condition,
    int? TaskOrder,
    string Device,
    string PointerType,
    string Language,
    double? LatencyMs,
    bool? SelfReference,
    string? MissingReason,
    string? MatchDetail,
    bool Completed)
{
    private static readonly IReadOnlyDictionary<string, string?> None = new Dictionary<string, string?>();

    /// <summary>The task type's own columns by name, as invariant text (empty: missing).</summary>
    public IReadOnlyDictionary<string, string?> Columns { get; init; } = None;

    /// <summary>The version of the experiment file the participant's session ran on (its content hash); empty when not known.</summary>
    public string Version { get; init; } = "";
    /// <summary>A researcher's pilot run, not a participant: left out of the analysis unless asked for.</summary>
    public bool Pilot { get; init; }
    /// <summary>Whether a researcher excluded the session from the analysis (see <see cref="ExclusionReason"/>).</summary>
    public bool Excluded { get; init; }
    /// <summary>Why the session was excluded; null when it is not.</summary>
    public string? ExclusionReason { get; init; }

    public double? Number(string column) =>
        Columns.TryGetValue(column, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    /// <summary>A row with some of its task's own columns set (invariant text; numbers as "R").</summary>
    public OutcomeRow With(params (string Column, double? Value)[] columns) => this with
    {
        Columns = new Dictionary<string, string?>(Columns.Concat(columns.Select(c => KeyValuePair.Create(c.Column, c.Value?.ToString("R", CultureInfo.InvariantCulture))))
            .GroupBy(c => c.Key).Select(g => g.Last())),
    };

    // Two rows are equal when every column is, the task's own compared by value (an empty column is as good as none).
    public bool Equals(OutcomeRow? other) =>
        other is not null && Participant == other.Participant && Experiment == other.Experiment && Task == other.Task && Condition == other.Condition
        && TaskOrder == other.TaskOrder && Device == other.Device && PointerType == other.PointerType && Language == other.Language
        && Nullable.Equals(LatencyMs, other.LatencyMs) && SelfReference == other.SelfReference && MissingReason == other.MissingReason
        && MatchDetail == other.MatchDetail && Completed == other.Completed && Present(Columns).SequenceEqual(Present(other.Columns))
        && Version == other.Version && Pilot == other.Pilot && Excluded == other.Excluded && ExclusionReason == other.ExclusionReason;

    public override int GetHashCode() => HashCode.Combine(Participant, Task, Condition, LatencyMs, SelfReference, Present(Columns).Count());

    private static IEnumerable<KeyValuePair<string, string?>> Present(IReadOnlyDictionary<string, string?> columns) =>
        columns.Where(c => !string.IsNullOrEmpty(c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal);

    /// <summary>The value of the task's column with this meaning (see OutcomeColumnRole), whatever the task calls it.</summary>
    public double? Number(OutcomeColumnRole role) =>
        StepTypes.Task(Task)?.Columns.FirstOrDefault(c => c.Role == role) is { } column ? Number(column.Name) : null;
}
