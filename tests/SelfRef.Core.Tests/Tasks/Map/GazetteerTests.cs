using SelfRef.Core.Gazetteer;
using static SelfRef.Core.Tests.Tasks.Map.GazetteerFixture;

namespace SelfRef.Core.Tests.Tasks.Map;

[Collection(GazetteerCollection.Name)]
public class GazetteerTests(GazetteerFixture fixture)
{
    private Gazetteer.Gazetteer Places => fixture.Gazetteer;

    [Fact]
    public void The_gazetteer_holds_the_places_of_cities500_with_their_alternate_names()
    {
        Assert.InRange(Places.Count, 190_000, 220_000);
        Assert.True(Places.NameCount > Places.Count * 2, $"only {Places.NameCount} names for {Places.Count} places: alternate names are missing");
        var berlin = Places.Find(Berlin)!;
        Assert.Equal(("Berlin", "DE", "PPLC"), (berlin.Name, berlin.Country, berlin.FeatureCode));
    }

    [Theory]
    [InlineData("München", Munich)]
    [InlineData("Muenchen", Munich)]
    [InlineData("Munchen", Munich)]
    [InlineData("Munich", Munich)]
    [InlineData("MÜNCHEN", Munich)]
    [InlineData("Köln", Cologne)]
    [InlineData("Koeln", Cologne)]
    [InlineData("Cologne", Cologne)]
    [InlineData("Nürnberg", Nuremberg)]
    [InlineData("Nuernberg", Nuremberg)]
    [InlineData("Nuremberg", Nuremberg)]
    [InlineData("Düsseldorf", Dusseldorf)]
    [InlineData("Dusseldorf", Dusseldorf)]
    [InlineData("  berlin ", Berlin)]
    public void A_town_is_found_by_its_German_English_and_ASCII_spellings(string typed, int expected)
    {
        var first = Places.Search(typed, 5).FirstOrDefault();
        Assert.True(first?.Place.Id == expected, $"'{typed}' should find {Places.Find(expected)!.Name} first, found {first?.Place.Name ?? "nothing"}");
        Assert.Equal(MatchQuality.Exact, first!.Quality);
    }

    [Theory]
    [InlineData("Münch", Munich)]
    [InlineData("Muench", Munich)]
    [InlineData("Hambu", Hamburg)]
    [InlineData("Stuttg", Stuttgart)]
    public void A_name_typed_halfway_already_suggests_the_town(string typed, int expected)
    {
        var suggestions = Places.Search(typed, 5);
        Assert.Contains(suggestions, s => s.Place.Id == expected);
        Assert.All(suggestions, s => Assert.Equal(MatchQuality.Prefix, s.Quality));
    }

    [Theory]
    [InlineData("Muenchn", Munich)]
    [InlineData("Berln", Berlin)]
    [InlineData("Hammburg", Hamburg)]
    [InlineData("Düsseldrof", Dusseldorf)]
    public void A_misspelt_name_still_finds_the_town(string typed, int expected)
    {
        var first = Places.Search(typed, 5).FirstOrDefault();
        Assert.True(first?.Place.Id == expected, $"'{typed}' should find {Places.Find(expected)!.Name} first, found {first?.Place.Name ?? "nothing"}");
        Assert.Equal(MatchQuality.Fuzzy, first!.Quality);
    }

    [Fact]
    public void A_search_names_the_spelling_that_matched()
    {
        var munich = Places.Search("Muenchen", 1).Single();
        Assert.Equal("München", munich.Matched);
        Assert.Equal("Munich", munich.Place.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("--")]
    [InlineData("Qxzqxzqxzqxz")]
    public void Nothing_is_suggested_for_a_query_that_names_nothing(string typed) => Assert.Empty(Places.Search(typed));

    [Theory]
    [InlineData(52.5200, 13.4050, Berlin)]
    [InlineData(48.1372, 11.5756, Munich)]
    [InlineData(50.9413, 6.9583, Cologne)]
    [InlineData(53.5503, 10.0007, Hamburg)]
    [InlineData(49.4521, 11.0767, Nuremberg)]
    public void Reverse_lookup_finds_the_town_at_known_coordinates(double lat, double lon, int expected)
    {
        var nearest = Places.Nearest(lat, lon).Single();
        Assert.True(nearest.Place.Id == expected, $"({lat}, {lon}) should be {Places.Find(expected)!.Name}, was {nearest.Place.Name}");
        Assert.InRange(nearest.DistanceKm, 0, 3);
    }

    [Fact]
    public void Reverse_lookup_lists_the_nearest_places_in_order_of_distance()
    {
        var near = Places.Nearest(48.1372, 11.5756, 10);
        Assert.Equal(10, near.Count);
        Assert.Equal(near.OrderBy(n => n.DistanceKm).Select(n => n.Place.Id), near.Select(n => n.Place.Id));
        Assert.DoesNotContain(near, n => n.Place.FeatureCode == "PPLX");
        var large = Places.Nearest(48.1372, 11.5756, 3, minPopulation: 500_000);
        Assert.Equal([Munich, Nuremberg, Stuttgart], large.Select(n => n.Place.Id));
    }

    [Fact]
    public void Reverse_lookup_in_the_open_sea_finds_the_nearest_coast()
    {
        var nearest = Places.Nearest(0, 0).Single();
        Assert.Equal("GH", nearest.Place.Country);
        Assert.InRange(nearest.DistanceKm, 400, 800);
    }

    [Fact]
    public void A_view_of_Germany_labels_its_largest_cities_without_overlap()
    {
        var labels = Places.LargestIn(47, 5, 55, 15, 40, spacingLon: 1.2, spacingLat: 0.2);
        Assert.InRange(labels.Count, 10, 40);
        Assert.Contains(labels, p => p.Id == Berlin);
        Assert.Contains(labels, p => p.Id == Hamburg);
        Assert.Contains(labels, p => p.Id == Munich);
        Assert.All(labels, p => Assert.InRange(p.Lat, 47, 55));
        foreach (var a in labels)
            foreach (var b in labels.Where(b => b != a))
                Assert.False(Math.Abs(a.Lon - b.Lon) < 1.2 && Math.Abs(a.Lat - b.Lat) < 0.2, $"{a.Name} and {b.Name} would overlap");
    }

    [Fact]
    public void A_view_across_the_date_line_labels_both_sides()
    {
        var labels = Places.LargestIn(-25, 170, 0, -170, 20);
        Assert.Contains(labels, p => p.Lon > 170);
        Assert.Contains(labels, p => p.Lon < -170);
        Assert.All(labels, p => Assert.True(p.Lon >= 170 || p.Lon <= -170, $"{p.Name} ({p.Lon}) is outside the view"));
    }

    [Fact]
    public void The_world_view_is_labelled_with_at_most_the_asked_number_of_the_largest_cities()
    {
        var labels = Places.LargestIn(-85, -180, 85, 180, 30);
        Assert.Equal(30, labels.Count);
        Assert.True(labels.Min(p => p.Population) >= 5_000_000, "the world view should show only the largest cities");
    }
}
