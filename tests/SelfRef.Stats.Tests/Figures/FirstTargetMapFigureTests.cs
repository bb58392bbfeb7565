using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Figures;

public class FirstTargetMapFigureTests
{
    private static OutcomeRow Map(string id, bool? home, double lat, double lon, double? homeLat, double? homeLon) =>
        new OutcomeRow(id, "exp", "map", "a", 1, "desktop", "mouse", "de", 900, home, home is null ? "home town not in gazetteer" : null, null, true)
            .With(("distance_km", homeLat is null ? null : 1), ("target_lat", lat), ("target_lon", lon), ("home_lat", homeLat), ("home_lon", homeLon));

    /// <summary>A few participants in Central Europe: two found home first, two did not, one named no known home town.</summary>
    internal static IReadOnlyList<OutcomeRow> Europe { get; } =
    [
        Map("P-1", true, 48.14, 11.58, 48.137, 11.575),   // Munich, at home
        Map("P-2", false, 52.52, 13.40, 53.55, 9.99),     // Berlin, home Hamburg
        Map("P-3", false, 48.86, 2.35, 45.76, 4.84),      // Paris, home Lyon
        Map("P-4", true, 47.37, 8.54, 47.38, 8.53),       // Zurich, at home
        Map("P-5", null, 48.21, 16.37, null, null),       // Vienna, home unknown
        new("P-1", "exp", "pen", "a", 2, "desktop", "mouse", "de", 700, true, null, null, true),
    ];

    private static IReadOnlyList<IReadOnlyList<LonLat>> Outlines =>
        TopoJson.ReadRings(WorldAtlas.Countries110m, "countries");

    [Fact]
    public void Renders_a_non_trivial_png_and_svg_with_n_in_title_and_caption()
    {
        var figure = FirstTargetMapFigure.Create(Europe, Outlines, 25);
        var rendered = RenderedFigure.From(figure);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], rendered.Png.Take(4));
        Assert.True(rendered.Png.Length > 10_000, $"{figure.Name}.png is only {rendered.Png.Length} bytes: the figure is probably blank");
        Assert.Contains("<svg", rendered.Svg);
        Assert.Contains("<path", rendered.Svg);
        Assert.Contains("n = 5", figure.Caption);
        Assert.Contains("n = 5", figure.Plot.Axes.Title.Label.Text);
        if (Environment.GetEnvironmentVariable("SELFREF_FIGURE_DIR") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, figure.Name + ".png"), rendered.Png);
            File.WriteAllText(Path.Combine(dir, figure.Name + ".svg"), rendered.Svg);
        }
    }

    [Fact]
    public void The_view_is_fitted_to_the_points_not_the_whole_world()
    {
        var (west, east, south, north) = FirstTargetMapFigure.Extent(FirstTargetMapFigure.Points(Europe));
        Assert.InRange(west, -5, 2.35);
        Assert.InRange(east, 16.37, 25);
        Assert.InRange(south, 40, 45.76);
        Assert.InRange(north, 53.55, 60);
    }

    [Fact]
    public void A_single_point_gets_a_few_degrees_around_it()
    {
        var (west, east, south, north) = FirstTargetMapFigure.Extent([Map("P-1", true, 48.14, 11.58, 48.14, 11.58)]);
        Assert.Equal((8.58, 14.58, 45.14, 51.14), (Math.Round(west, 6), Math.Round(east, 6), Math.Round(south, 6), Math.Round(north, 6)));
    }

    [Fact]
    public void The_report_has_the_map_only_with_outlines_and_rows_with_coordinates()
    {
        var outlines = Path.GetTempFileName();
        try
        {
            File.WriteAllText(outlines, TopoJsonTests.Tiny);
            var withOutlines = new ReportOptions { CountryOutlines = outlines };
            var withoutCoordinates = Europe.Select(r => r.With(("target_lat", null), ("target_lon", null))).ToList();
            bool HasMap(IReadOnlyList<OutcomeRow> rows, ReportOptions options) =>
                ReportFigures.Create(ReplicationResults.Compute(rows, options), options, rows).Any(f => f.Name == FirstTargetMapFigure.Name);

            Assert.True(HasMap(Europe, withOutlines));
            Assert.False(HasMap(Europe, new ReportOptions()));
            Assert.False(HasMap(Europe, new ReportOptions { CountryOutlines = outlines + ".missing" }));
            Assert.False(HasMap(withoutCoordinates, withOutlines));
        }
        finally { File.Delete(outlines); }
    }
}
