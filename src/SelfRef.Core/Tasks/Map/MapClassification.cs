using System.Globalization;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tasks.Map;

/// <summary>The map step's row of the outcome table: "looked for home first" by distance from the first target to the home town.</summary>
public static class MapClassification
{
    public static TaskOutcome Outcome(TaskEvidence evidence)
    {
        var step = (MapStep)evidence.Step;
        // The server registers its gazetteer; a command-line analysis has no services and loads the shipped file.
        var gazetteer = evidence.Services?.GetService(typeof(Gazetteer.Gazetteer)) as Gazetteer.Gazetteer;
        try { gazetteer ??= GazetteerFile.Shared(GazetteerFile.Locate()); }
        catch (FileNotFoundException)
        {
            return new TaskOutcome(FirstTargetRules.FirstActionT(evidence.Events), null, "no gazetteer loaded", null, null, MapEvents.Pointer(evidence.Events));
        }
        var answer = evidence.Session.Answers.FirstOrDefault(a => a.Key.EndsWith("." + step.HomeTownQuestion, StringComparison.Ordinal)).Value;
        return Outcome(MapOutcome.Extract(step, evidence.Events, answer, gazetteer), MapEvents.Pointer(evidence.Events));
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
        return new TaskOutcome(map.LatencyMs, map.HomeFirst, missing, detail, map.DistanceKm, pointer,
            map.Target?.Lat, map.Target?.Lng, home?.Lat, home?.Lon);
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
