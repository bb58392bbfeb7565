namespace SelfRef.Core.Gazetteer;

/// <summary>Distances on the Earth taken as a sphere: good to about 0.5 %, far below what a map click resolves.</summary>
public static class GreatCircle
{
    /// <summary>The IUGG mean Earth radius.</summary>
    public const double EarthRadiusKm = 6371.0088;

    public const double KmPerDegree = EarthRadiusKm * Math.PI / 180;

    /// <summary>Haversine distance in km; stable for short distances, unlike the spherical law of cosines.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
              + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
