using SelfRef.Stats.Figures;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Tests.Figures;

public class AntimeridianTests
{
    private static bool CrossesTheWorld(IReadOnlyList<LonLat> line) =>
        line.Zip(line.Skip(1)).Any(p => Math.Abs(p.Second.Lon - p.First.Lon) > 180);

    [Fact]
    public void A_ring_across_the_antimeridian_is_cut_at_plus_minus_180_with_the_latitude_interpolated()
    {
        // Chukotka-like: from 179° E across to 179° W and back.
        LonLat[] ring = [new(179, 65), new(-179, 67), new(-179, 70), new(179, 70), new(179, 65)];
        var pieces = Antimeridian.Split(ring);
        Assert.Equal(3, pieces.Count);
        Assert.DoesNotContain(pieces, CrossesTheWorld);
        Assert.Equal([new(179, 65), new(180, 66)], pieces[0]);
        Assert.Equal([new(-180, 66), new(-179, 67), new(-179, 70), new(-180, 70)], pieces[1]);
        Assert.Equal([new(180, 70), new(179, 70), new(179, 65)], pieces[2]);
    }

    [Fact]
    public void A_ring_that_does_not_cross_comes_back_whole()
    {
        LonLat[] ring = [new(10, 50), new(12, 50), new(12, 52), new(10, 50)];
        Assert.Equal(ring, Assert.Single(Antimeridian.Split(ring)));
    }

    [Fact]
    public void Natural_earth_outlines_cross_the_world_before_cutting_and_never_after()
    {
        var rings = TopoJson.ReadRings(WorldAtlas.Countries110m, "countries");
        Assert.Contains(rings, CrossesTheWorld); // Russia, Fiji, Antarctica
        Assert.DoesNotContain(rings.SelectMany(Antimeridian.Split), CrossesTheWorld);
    }

    [Fact]
    public void The_report_shows_the_map_of_first_targets_when_outlines_and_coordinates_exist()
    {
        var outlines = Path.GetTempFileName();
        try
        {
            File.WriteAllText(outlines, TopoJsonTests.Tiny);
            var report = Report.ReportRun.Write(FirstTargetMapFigureTests.Europe, new ReportOptions { CountryOutlines = outlines, GeneratedAt = DateTimeOffset.UnixEpoch });
            Assert.Contains("(figures/first-target-map.png)", report.Markdown);
            Assert.Contains("<figure id=\"first-target-map\">", report.Html);
        }
        finally { File.Delete(outlines); }
    }
}
