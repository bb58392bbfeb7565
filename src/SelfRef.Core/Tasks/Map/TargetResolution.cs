using System.Globalization;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tasks.Map;

/// <summary>How precisely a first target names a place: what the view showed when it was singled out.</summary>
public enum PlaceLevel { Country, Region, Town }

/// <summary>
/// The place a first target points at. Town: the nearest town (or the chosen search result);
/// Region: the largest place within <see cref="TargetResolution.RegionRadiusKm"/> (the view's
/// centre of gravity); Country: the country of the nearest town. <see cref="Admin1"/> is
/// GeoNames' first-order division code; <see cref="DistanceKm"/> is from the target to the place.
/// </summary>
public sealed record ResolvedPlace(PlaceLevel Level, int? PlaceId, string Name, string Country, string CountryName, string Admin1, double DistanceKm);

public static class TargetResolution
{
    /// <summary>Below this zoom a view shows countries (zoom 5 is about 1,000 km across a screen).</summary>
    public const double RegionZoom = 5;
    /// <summary>From this zoom a view shows towns (zoom 9 is about 60 km across).</summary>
    public const double TownZoom = 9;
    public const double RegionRadiusKm = 50;

    public static PlaceLevel LevelOf(FirstTarget target) =>
        target.Inference == TargetInference.Search || double.IsNaN(target.Zoom) || target.Zoom >= TownZoom ? PlaceLevel.Town
        : target.Zoom >= RegionZoom ? PlaceLevel.Region
        : PlaceLevel.Country;

    public static ResolvedPlace? Resolve(FirstTarget target, Gazetteer.Gazetteer gazetteer)
    {
        if (target.PlaceId is { } id && gazetteer.Find(id) is { } chosen)
            return Of(PlaceLevel.Town, chosen, GreatCircle.DistanceKm(target.Lat, target.Lng, chosen.Lat, chosen.Lon));
        var nearest = gazetteer.Nearest(target.Lat, target.Lng).FirstOrDefault();
        if (nearest is null) return null;
        var level = LevelOf(target);
        if (level == PlaceLevel.Region)
        {
            var dLat = RegionRadiusKm / GreatCircle.KmPerDegree;
            var dLng = dLat / Math.Max(0.01, Math.Cos(target.Lat * Math.PI / 180));
            var centre = gazetteer.LargestIn(target.Lat - dLat, target.Lng - dLng, target.Lat + dLat, target.Lng + dLng, 10)
                .Select(p => new NearbyPlace(p, GreatCircle.DistanceKm(target.Lat, target.Lng, p.Lat, p.Lon)))
                .FirstOrDefault(n => n.DistanceKm <= RegionRadiusKm) ?? nearest;
            return Of(PlaceLevel.Region, centre.Place, centre.DistanceKm);
        }
        if (level == PlaceLevel.Country)
            return new ResolvedPlace(PlaceLevel.Country, null, CountryName(nearest.Place.Country), nearest.Place.Country,
                CountryName(nearest.Place.Country), "", nearest.DistanceKm);
        return Of(PlaceLevel.Town, nearest.Place, nearest.DistanceKm);
    }

    private static ResolvedPlace Of(PlaceLevel level, Place place, double km) =>
        new(level, place.Id, place.Name, place.Country, CountryName(place.Country), place.Admin1, km);

    /// <summary>The English name of an ISO country code; the code itself for codes .NET does not know (e.g. XK).</summary>
    public static string CountryName(string code)
    {
        try { return new RegionInfo(code).EnglishName; }
        catch (ArgumentException) { return code; }
    }
}
