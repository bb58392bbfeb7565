namespace SelfRef.Stats.Outcomes;

/// <summary>
/// One participant's result on one task: the unit every estimator counts.
/// </summary>
/// <param name="Participant">Random pseudonym; never a name.</param>
/// <param name="Experiment">Experiment id, e.g. "gallup-replication".</param>
/// <param name="Task">Task type, "pen" or "map".</param>
/// <param name="Condition">Between-subject condition level; empty when the experiment has none.</param>
/// <param name="TaskOrder">1-based position of the task in the participant's sequence, when known.</param>
/// <param name="Device">Device class, e.g. "desktop", "tablet", "phone".</param>
/// <param name="PointerType">Pointer of the first action: "mouse", "touch", "pen", "keyboard".</param>
/// <param name="Language">Language the participant saw, "de" or "en".</param>
/// <param name="LatencyMs">Time from task start to the first action, in milliseconds.</param>
/// <param name="SelfReference">Whether the first action referred to the self; null when it is missing.</param>
/// <param name="MissingReason">Why <paramref name="SelfReference"/> is missing: "not coded", "no action", "declined", ...</param>
/// <param name="MatchDetail">How the classification was reached, e.g. "first name (fuzzy 0.93)".</param>
/// <param name="DistanceKm">Map task: distance from the first target to the named home town.</param>
/// <param name="Completed">Whether the participant reached the end of the experiment.</param>
/// <param name="TargetLat">Map task: latitude of the first target, in degrees.</param>
/// <param name="TargetLon">Map task: longitude of the first target, in degrees.</param>
/// <param name="HomeLat">Map task: latitude of the named home town, in degrees.</param>
/// <param name="HomeLon">Map task: longitude of the named home town, in degrees.</param>
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
    double? DistanceKm,
    bool Completed,
    double? TargetLat = null,
    double? TargetLon = null,
    double? HomeLat = null,
    double? HomeLon = null);
