using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Tests.Outcomes;

public class OutcomeCoordinateCsvTests
{
    private static IReadOnlyList<OutcomeRow> Read(string text) => OutcomeCsv.Read(new StringReader(text), "outcomes.csv");

    [Fact]
    public void Coordinates_round_trip_including_negative_degrees_and_missing_home()
    {
        OutcomeRow[] rows =
        [
            new OutcomeRow("P-1", "exp", "map", "a", 1, "desktop", "mouse", "en", 1234.5, false, null, "click", true)
                .With(("distance_km", 5570.25), ("target_lat", 40.7128), ("target_lon", -74.006), ("home_lat", 51.5072), ("home_lon", -0.1276)),
            new OutcomeRow("P-2", "exp", "map", "a", 1, "phone", "touch", "en", 800, null, "home town not in gazetteer", "click", false)
                .With(("target_lat", -33.8688), ("target_lon", 151.2093)),
            new("P-3", "exp", "pen", "a", 2, "phone", "touch", "en", 700, true, null, null, true),
        ];
        var writer = new StringWriter();
        OutcomeCsv.Write(writer, rows, ["map"]);
        var text = writer.ToString();
        Assert.EndsWith(",completed,version,pilot,excluded,exclusion_reason,distance_km,target_lat,target_lon,home_lat,home_lon", text.Split('\n')[0]);
        Assert.Contains(",1,,0,0,,5570.25,40.7128,-74.006,51.5072,-0.1276\n", text);
        Assert.Equal(rows, Read(text));
    }

    [Fact]
    public void A_table_without_coordinate_columns_reads_them_as_missing()
    {
        var row = Assert.Single(Read("participant,task,condition,self_reference,latency_ms,distance_km,completed\nP-1,map,a,1,900,2.5,1\n"));
        Assert.Equal((null, null, null, null), (row.Number("target_lat"), row.Number("target_lon"), row.Number("home_lat"), row.Number("home_lon")));
        Assert.Equal(2.5, row.Number("distance_km"));
    }

    [Theory]
    [InlineData("target_lat", "91")]
    [InlineData("target_lon", "-180.5")]
    [InlineData("home_lat", "4x")]
    [InlineData("home_lon", "\"8,5\"")]
    public void A_coordinate_out_of_range_or_not_a_number_is_refused_with_its_column(string column, string value)
    {
        var header = "participant,task,condition,self_reference,latency_ms,distance_km," + column;
        var e = Assert.Throws<OutcomeCsvException>(() => Read($"{header}\nP-1,map,a,1,900,2.5,{value}\n"));
        Assert.Equal(column, e.Column);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Na_reads_as_a_missing_coordinate()
    {
        var row = Assert.Single(Read("participant,task,condition,self_reference,latency_ms,distance_km,target_lat,target_lon\nP-1,map,a,,900,NA,NA,NA\n"));
        Assert.Null(row.Number("target_lat"));
        Assert.Null(row.Number("target_lon"));
    }
}
