using SelfRef.Core.Events;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tasks.Map;

/// <summary>
/// What a participant did first in a map step and whether it was their home town:
/// latency from the map's onset to the first action, the first target (null if nothing was
/// singled out), the place it resolves to, the home town, the great-circle distance between
/// target and home town, and whether that is within <see cref="MapStep.HomeRadiusKm"/>.
/// </summary>
public sealed record MapOutcome(
    double? LatencyMs,
    FirstTarget? Target,
    ResolvedPlace? TargetPlace,
    HomeTown? HomeTown,
    double? DistanceKm,
    bool? HomeFirst)
{
    public static MapOutcome Extract(MapStep step, IReadOnlyList<StoredEvent> events, string? homeTownAnswer, Gazetteer.Gazetteer gazetteer)
    {
        var latency = FirstTargetRules.FirstActionT(events);
        var target = FirstTargetRules.Find(step, events);
        var place = target is null ? null : TargetResolution.Resolve(target, gazetteer);
        var home = string.IsNullOrWhiteSpace(homeTownAnswer) ? null : Map.HomeTown.Resolve(homeTownAnswer, gazetteer);
        double? distance = target is not null && home?.Place is { } town
            ? Math.Round(GreatCircle.DistanceKm(target.Lat, target.Lng, town.Lat, town.Lon), 3)
            : null;
        return new MapOutcome(latency, target, place, home, distance, distance is { } km ? km <= step.HomeRadiusKm : null);
    }
}
