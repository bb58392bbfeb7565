using SelfRef.Core.Tasks;

namespace SelfRef.Core.Privacy;

/// <summary>
/// A task step's outcome as kept once the session's identifiers are deleted: the match result,
/// the distance, the latency and how it was decided, without anything that names a person or a
/// place (no home town, no coordinates). Outcome tables use it instead of recomputing.
/// </summary>
public sealed record FrozenOutcome
{
    public double? LatencyMs { get; init; }
    public bool? SelfReference { get; init; }
    public string? MissingReason { get; init; }
    public string? MatchDetail { get; init; }
    public double? DistanceKm { get; init; }
    public string? PointerType { get; init; }

    public static FrozenOutcome Of(TaskOutcome outcome) => new()
    {
        LatencyMs = outcome.LatencyMs,
        SelfReference = outcome.SelfReference,
        MissingReason = outcome.MissingReason,
        MatchDetail = outcome.MatchDetail,
        DistanceKm = outcome.DistanceKm,
        PointerType = outcome.PointerType,
    };

    public TaskOutcome ToOutcome() => new(LatencyMs, SelfReference, MissingReason, MatchDetail, DistanceKm, PointerType);
}
