using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tests.Tasks.Map;

public class GreatCircleTests
{
    [Theory]
    [InlineData("Berlin–Munich", 52.52437, 13.41053, 48.13743, 11.57549, 504.0, 2.0)]
    [InlineData("London–Paris", 51.5074, -0.1278, 48.8566, 2.3522, 343.5, 1.0)]
    [InlineData("New York–Los Angeles", 40.7128, -74.0060, 34.0522, -118.2437, 3936.0, 10.0)]
    [InlineData("one degree along the equator", 0, 0, 0, 1, 111.195, 0.01)]
    [InlineData("across the date line", 0, 179.5, 0, -179.5, 111.195, 0.01)]
    [InlineData("pole to pole", 90, 0, -90, 0, 20015.1, 1.0)]
    [InlineData("the same point", 48.1, 11.5, 48.1, 11.5, 0, 1e-9)]
    public void Distances_match_known_values(string pair, double lat1, double lon1, double lat2, double lon2, double expectedKm, double tolerance)
    {
        var km = GreatCircle.DistanceKm(lat1, lon1, lat2, lon2);
        Assert.True(Math.Abs(km - expectedKm) <= tolerance, $"{pair}: {km:F2} km, expected {expectedKm} ± {tolerance}");
        Assert.Equal(km, GreatCircle.DistanceKm(lat2, lon2, lat1, lon1), 9);
    }

    [Theory]
    [InlineData("München", "munchen")]
    [InlineData("Muenchen", "munchen")]
    [InlineData("MUNCHEN", "munchen")]
    [InlineData("Straße", "strasse")]
    [InlineData("Frankfurt (Oder)", "frankfurt oder")]
    [InlineData("Sankt-Peter-Ording", "sankt peter ording")]
    [InlineData("Kraków", "krakow")]
    [InlineData("Łódź", "lodz")]
    [InlineData("Ærøskøbing", "arosk") ]
    public void Place_names_fold_to_one_search_key(string name, string keyStart) =>
        Assert.StartsWith(keyStart, PlaceNames.Key(name));
}
