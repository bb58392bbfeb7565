namespace SelfRef.Stats.Outcomes;

/// <summary>Column names of the outcome table, snake_case so R and pandas read them as they are.</summary>
public static class OutcomeColumns
{
    public const string Participant = "participant";
    public const string Experiment = "experiment";
    public const string Task = "task";
    public const string Condition = "condition";
    public const string TaskOrder = "task_order";
    public const string Device = "device";
    public const string PointerType = "pointer_type";
    public const string Language = "language";
    public const string LatencyMs = "latency_ms";
    public const string SelfReference = "self_reference";
    public const string MissingReason = "missing_reason";
    public const string MatchDetail = "match_detail";
    public const string DistanceKm = "distance_km";
    public const string Completed = "completed";
    public const string TargetLat = "target_lat";
    public const string TargetLon = "target_lon";
    public const string HomeLat = "home_lat";
    public const string HomeLon = "home_lon";

    public static readonly IReadOnlyList<string> All =
    [
        Participant, Experiment, Task, Condition, TaskOrder, Device, PointerType, Language,
        LatencyMs, SelfReference, MissingReason, MatchDetail, DistanceKm, Completed,
        TargetLat, TargetLon, HomeLat, HomeLon,
    ];

    /// <summary>Columns that would point at the participant (the home town's coordinates): left out of exports unless asked for.</summary>
    public static readonly IReadOnlyList<string> Identifying = [HomeLat, HomeLon];

    public static readonly IReadOnlyList<string> Required =
        [Participant, Task, Condition, SelfReference, LatencyMs, DistanceKm];
}
