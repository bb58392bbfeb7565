using System.Globalization;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tasks;

/// <summary>Everything a task type may look at to say what a participant did first in one of its steps.</summary>
/// <param name="Events">the step's events from every tab and page load, on one time axis from the step's first onset (see StepEvents).</param>
public sealed record TaskEvidence(
    Experiment Experiment,
    Session Session,
    Step Step,
    IReadOnlyList<StoredEvent> Events,
    IReadOnlyList<CoderCode> Codes)
{
    /// <summary>The answer to a questionnaire question, whichever questionnaire step asked it.</summary>
    public string? Answer(string questionId) =>
        Session.Answers.FirstOrDefault(a => a.Key.EndsWith("." + questionId, StringComparison.Ordinal)).Value;
}

/// <summary>
/// A task step's outcome: the latency of the first action, whether it referred to the self
/// (null with the reason when it cannot be said), how that was decided, the pointer used, and the
/// task's own columns (<see cref="TaskType.Columns"/>) as invariant text.
/// </summary>
public sealed record TaskOutcome(
    double? LatencyMs,
    bool? SelfReference,
    string? MissingReason,
    string? MatchDetail,
    string? PointerType)
{
    public IReadOnlyDictionary<string, string?> Columns { get; init; } = new Dictionary<string, string?>();

    public static TaskOutcome Missing(string reason, double? latencyMs = null, string? pointerType = null) => new(latencyMs, null, reason, null, pointerType);

    public TaskOutcome With(string column, double? value) =>
        this with { Columns = new Dictionary<string, string?>(Columns) { [column] = value?.ToString("R", CultureInfo.InvariantCulture) } };

    public TaskOutcome With(string column, string? value) =>
        this with { Columns = new Dictionary<string, string?>(Columns) { [column] = value } };

    public double? Number(string column) =>
        Columns.TryGetValue(column, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
