using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;
using static SelfRef.Core.Tests.Tasks.Map.GazetteerFixture;

namespace SelfRef.Core.Tests.Tasks.Map;

[Collection(GazetteerCollection.Name)]
public class MapOutcomeTests(GazetteerFixture fixture)
{
    private static readonly MapStep Step = new() { Id = "map", Instruction = [], TargetZoom = 10, DwellMs = 800, HomeRadiusKm = 25 };
    private Gazetteer.Gazetteer Places => fixture.Gazetteer;

    private static MapEventScript ZoomIntoMunichThenSearchBerlin() => new MapEventScript()
        .View(0, 30, 10, 2, initial: true).View(700, 48.14, 11.58, 6).View(1200, 48.14, 11.58, 11)
        .Type(3000, "Berlin").Choose(3600, Berlin, "Berlin", 52.52437, 13.41053).Continue(6000);

    [Fact]
    public void Zooming_into_the_home_town_first_is_home_first_with_its_distance()
    {
        var outcome = MapOutcome.Extract(Step, ZoomIntoMunichThenSearchBerlin().Events, HomeTown.Format(Places.Find(Munich)!, "München, Deutschland"), Places);

        Assert.Equal(700, outcome.LatencyMs);
        Assert.Equal(TargetInference.ZoomHold, outcome.Target!.Inference);
        Assert.Equal((PlaceLevel.Town, Munich), (outcome.TargetPlace!.Level, outcome.TargetPlace.PlaceId));
        Assert.Equal(HomeTownSource.Picked, outcome.HomeTown!.Source);
        Assert.Equal("München, Deutschland", outcome.HomeTown.Text);
        Assert.True(outcome.HomeFirst);
        Assert.InRange(outcome.DistanceKm!.Value, 0.1, 1.0);
    }

    [Fact]
    public void Another_home_town_is_not_home_first_and_the_distance_is_kept()
    {
        var outcome = MapOutcome.Extract(Step, ZoomIntoMunichThenSearchBerlin().Events, HomeTown.Format(Places.Find(Berlin)!, "Berlin"), Places);
        Assert.False(outcome.HomeFirst);
        Assert.InRange(outcome.DistanceKm!.Value, 500, 510);
    }

    [Theory]
    [InlineData(24.9, true)]
    [InlineData(25.1, false)]
    public void The_radius_decides_at_its_edge(double kmEast, bool homeFirst)
    {
        // One degree of longitude at latitude φ is 111.195 km · cos φ.
        var munich = Places.Find(Munich)!;
        var lng = munich.Lon + kmEast / (111.195 * Math.Cos(munich.Lat * Math.PI / 180));
        var script = new MapEventScript().View(0, 30, 10, 2, initial: true).Click(500, munich.Lat, lng, 12).Continue(2000);
        var outcome = MapOutcome.Extract(Step, script.Events, HomeTown.Format(munich, "Munich"), Places);
        Assert.Equal(homeFirst, outcome.HomeFirst);
        Assert.Equal(kmEast, outcome.DistanceKm!.Value, 1);
    }

    [Theory]
    [InlineData("Muenchen", HomeTownSource.MatchedText, Munich)]
    [InlineData("köln", HomeTownSource.MatchedText, Cologne)]
    [InlineData("gn:2950159|Berlin, Germany", HomeTownSource.Picked, Berlin)]
    [InlineData("Xyzzyhausen am Qwertz", HomeTownSource.Unmatched, 0)]
    [InlineData("gn:notanumber|Berlin", HomeTownSource.Unmatched, 0)]
    public void A_home_town_answer_is_a_picked_place_a_typed_name_or_flagged(string answer, HomeTownSource source, int id)
    {
        var home = HomeTown.Resolve(answer, Places);
        Assert.Equal(source, home.Source);
        Assert.Equal(id == 0 ? null : id, home.Place?.Id);
        Assert.Equal(answer, home.Answer);
    }

    [Fact]
    public void An_unmatched_home_town_is_kept_and_leaves_the_classification_open()
    {
        var outcome = MapOutcome.Extract(Step, ZoomIntoMunichThenSearchBerlin().Events, "Xyzzyhausen", Places);
        Assert.Equal(HomeTownSource.Unmatched, outcome.HomeTown!.Source);
        Assert.Null(outcome.HomeFirst);
        Assert.Null(outcome.DistanceKm);
        var row = MapClassification.Outcome(outcome, "mouse");
        Assert.Equal("home town not in gazetteer", row.MissingReason);
        Assert.Null(row.SelfReference);
    }

    [Theory]
    [InlineData(3, PlaceLevel.Country, "Germany")]
    [InlineData(6, PlaceLevel.Region, "Munich")]
    [InlineData(12, PlaceLevel.Town, "Freising")]
    public void A_click_resolves_to_country_region_or_town_by_zoom(double zoom, PlaceLevel level, string name)
    {
        // Freising, 30 km north of Munich.
        var script = new MapEventScript().View(0, 30, 10, 2, initial: true).Click(500, 48.40, 11.74, zoom).Continue(1000);
        var outcome = MapOutcome.Extract(Step, script.Events, null, Places);
        Assert.Equal(level, outcome.TargetPlace!.Level);
        Assert.Equal(name, outcome.TargetPlace.Name);
        Assert.Equal("DE", outcome.TargetPlace.Country);
    }

    [Fact]
    public void The_outcome_row_says_how_the_target_was_found_and_how_far_from_home()
    {
        var outcome = MapOutcome.Extract(Step, ZoomIntoMunichThenSearchBerlin().Events, "München", Places);
        var row = MapClassification.Outcome(outcome, "mouse");
        var munich = Places.Find(Munich)!;
        Assert.Equal((700.0, true, (string?)null, "zoom 11 held: Munich (DE, town)", "mouse"), (row.LatencyMs!.Value, row.SelfReference!.Value, row.MissingReason, row.MatchDetail, row.PointerType));
        Assert.Equal((outcome.DistanceKm, 48.14, 11.58, munich.Lat, munich.Lon),
            (row.Number("distance_km"), row.Number("target_lat")!.Value, row.Number("target_lon")!.Value, row.Number("home_lat")!.Value, row.Number("home_lon")!.Value));
    }

    [Fact]
    public void The_outcome_row_has_the_target_without_home_coordinates_when_the_home_town_is_unknown()
    {
        var row = MapClassification.Outcome(MapOutcome.Extract(Step, ZoomIntoMunichThenSearchBerlin().Events, "Xyzzyhausen", Places), "mouse");
        Assert.Equal((48.14, 11.58), (row.Number("target_lat")!.Value, row.Number("target_lon")!.Value));
        Assert.Null(row.Number("home_lat"));
        Assert.Null(row.Number("home_lon"));
    }

    [Fact]
    public void No_action_and_no_target_are_told_apart()
    {
        var idle = MapClassification.Outcome(MapOutcome.Extract(Step, new MapEventScript().View(0, 30, 10, 2, initial: true).Continue(4000).Events, "Berlin", Places), null);
        Assert.Equal("no action", idle.MissingReason);
        var wandering = MapClassification.Outcome(MapOutcome.Extract(Step, new MapEventScript().View(0, 30, 10, 2, initial: true).View(800, 40, 5, 3).Continue(4000).Events, "Berlin", Places), null);
        Assert.Equal("no target", wandering.MissingReason);
        Assert.Equal(800, wandering.LatencyMs);
    }
}
