using SelfRef.Stats.Figures;

namespace SelfRef.Stats.Tests.Figures;

public class TopoJsonTests
{
    // Two quantized, delta-encoded arcs: arc 0 runs (0,0) → (2,0) → (2,4), arc 1 the diagonal (0,0) → (2,4).
    // With scale (0.5, 0.25) and translate (10, 40) these are (10,40) → (11,40) → (11,41) and (10,40) → (11,41).
    internal const string Tiny = """
        {
          "type": "Topology",
          "transform": { "scale": [0.5, 0.25], "translate": [10, 40] },
          "objects": {
            "countries": {
              "type": "GeometryCollection",
              "geometries": [
                { "type": "Polygon", "arcs": [[0, -2]], "id": "1" },
                { "type": "MultiPolygon", "arcs": [[[-2]], [[1]]], "id": "2" },
                { "type": null, "id": "3" }
              ]
            },
            "land": { "type": "Polygon", "arcs": [[0]] }
          },
          "arcs": [
            [[0, 0], [2, 0], [0, 4]],
            [[0, 0], [2, 4]]
          ]
        }
        """;

    [Fact]
    public void A_ring_joins_its_arcs_reversing_negative_indices_and_sharing_end_points()
    {
        var rings = TopoJson.Rings(Tiny, "countries");
        Assert.Equal(3, rings.Count);
        Assert.Equal([new LonLat(10, 40), new LonLat(11, 40), new LonLat(11, 41), new LonLat(10, 40)], rings[0]);
        Assert.Equal([new LonLat(11, 41), new LonLat(10, 40)], rings[1]);
        Assert.Equal([new LonLat(10, 40), new LonLat(11, 41)], rings[2]);
    }

    [Fact]
    public void All_objects_are_read_when_none_is_named()
    {
        var rings = TopoJson.Rings(Tiny);
        Assert.Equal(4, rings.Count);
        Assert.Equal([new LonLat(10, 40), new LonLat(11, 40), new LonLat(11, 41)], rings[3]);
    }

    [Fact]
    public void Arcs_without_a_transform_are_absolute_degrees()
    {
        const string plain = """
            { "type": "Topology",
              "objects": { "a": { "type": "Polygon", "arcs": [[0, -2]] } },
              "arcs": [ [[-1.5, 2], [3, 2]], [[-1.5, 2], [0.25, -7], [3, 2]] ] }
            """;
        Assert.Equal([new LonLat(-1.5, 2), new LonLat(3, 2), new LonLat(0.25, -7), new LonLat(-1.5, 2)], Assert.Single(TopoJson.Rings(plain)));
    }

    [Fact]
    public void Something_that_is_not_a_topology_is_refused()
    {
        Assert.Throws<FormatException>(() => TopoJson.Rings("""{ "type": "FeatureCollection", "features": [] }"""));
    }

    [Fact]
    public void Natural_earth_countries_decode_to_outlines_within_the_world()
    {
        var rings = TopoJson.ReadRings(WorldAtlas.Countries110m, "countries");
        Assert.True(rings.Count > 200, $"only {rings.Count} rings");
        Assert.All(rings.SelectMany(r => r), p => Assert.True(Math.Abs(p.Lon) <= 180 + 1e-9 && Math.Abs(p.Lat) <= 90 + 1e-9, p.ToString()));
    }
}

/// <summary>Natural Earth's countries as the Web project's npm step installs them (this project's build runs that step).</summary>
internal static class WorldAtlas
{
    public static string Countries110m { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "SelfRef.Web", "node_modules", "world-atlas", "countries-110m.json");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("src/SelfRef.Web/node_modules/world-atlas/countries-110m.json not found; the build of this test project runs npm ci there");
    }
}
