using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tasks;

/// <summary>Everything a task type may look at to say what a participant did first in one of its steps.</summary>
public sealed record TaskEvidence(
    Experiment Experiment,
    Session Session,
    Step Step,
    IReadOnlyList<StoredEvent> Events,
    IReadOnlyList<CoderCode> Codes,
    IServiceProvider? Services);

/// <summary>
/// A task step's outcome: the latency of the first action, whether it referred to the self
/// (null with the reason when it cannot be said), how that was decided, and for map tasks the distance
/// and the coordinates (degrees) of the first target and of the home town, for the map figure.
/// </summary>
public sealed record TaskOutcome(
    double? LatencyMs,
    bool? SelfReference,
    string? MissingReason,
    string? MatchDetail,
    double? DistanceKm,
    string? PointerType,
    double? TargetLat = null,
    double? TargetLon = null,
    double? HomeLat = null,
    double? HomeLon = null);
