using System.Globalization;

namespace SelfRef.Core.Tasks.Map;

/// <summary>The map step's row of the outcome table: "looked for home first" by distance from the first target to the home town.</summary>
public sealed class MapClassification(Gazetteer.Gazetteer gazetteer) : ITaskDeriver
{
    public TaskOutcome Derive(TaskEvidence evidence)
    {
        var step = (MapStep)evidence.Step;
        return Outcome(MapOutcome.Extract(step, evidence.Events, evidence.Answer(step.HomeTownQuestion), gazetteer), MapEvents.Pointer(evidence.Events));
    }

    public static TaskOutcome Outcome(MapOutcome map, string? pointer)
    {
        var detail = map.Target is { } t ? Describe(t, map.TargetPlace) : null;
        var missing = map.LatencyMs is null ? "no action"
            : map.Target is null ? "no target"
            : map.HomeTown is null ? "no home town given"
            : map.HomeTown.Place is null ? "home town not in gazetteer"
            : null;
        var home = map.HomeTown?.Place;
        return new TaskOutcome(map.LatencyMs, map.HomeFirst, missing, detail, pointer)
            .With("distance_km", map.DistanceKm)
            .With("target_lat", map.Target?.Lat).With("target_lon", map.Target?.Lng)
            .With("home_lat", home?.Lat).With("home_lon", home?.Lon);
    }

    private static string Describe(FirstTarget target, ResolvedPlace? place)
    {
        var how = target.Inference switch
        {
            TargetInference.Search => "search result",
            TargetInference.ZoomHold => $"zoom {target.Zoom.ToString("0.#", CultureInfo.InvariantCulture)} held",
            _ => "click",
        };
        return place is null ? how : $"{how}: {place.Name} ({place.Country}, {place.Level.ToString().ToLowerInvariant()})";
    }
}
