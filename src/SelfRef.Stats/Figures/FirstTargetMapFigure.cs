using System.Globalization;
using ScottPlot;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Figures;

/// <summary>
/// The first target of each participant in the map task as a point over country outlines
/// (equirectangular: longitude → x, latitude → y, one degree as long on both axes), coloured by
/// whether it was the home town, with a thin line to the home town they named.
/// </summary>
public static class FirstTargetMapFigure
{
    public const string Name = "first-target-map";

    // Around the points: this share of their extent, and at least this many degrees each way.
    private const double MarginShare = 0.12;
    private const double MinHalfSpanDegrees = 3;

    /// <summary>Map rows with a first target that has coordinates: the points this figure draws.</summary>
    public static IReadOnlyList<OutcomeRow> Points(IEnumerable<OutcomeRow> rows) => rows.Where(IsPoint).ToList();

    /// <summary>Whether the row is one of the figure's points: a first target with coordinates.</summary>
    public static bool IsPoint(OutcomeRow row) => TargetLat(row) is not null && TargetLon(row) is not null;

    // Read by what the columns mean (their role), so any task with a first target on a map is drawn.
    private static double? TargetLat(OutcomeRow r) => r.Number(OutcomeColumnRole.TargetLatitude);
    private static double? TargetLon(OutcomeRow r) => r.Number(OutcomeColumnRole.TargetLongitude);
    private static double? HomeLat(OutcomeRow r) => r.Number(OutcomeColumnRole.HomeLatitude);
    private static double? HomeLon(OutcomeRow r) => r.Number(OutcomeColumnRole.HomeLongitude);

    public static Figure Create(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<IReadOnlyList<LonLat>> outlines, double matchRadiusKm)
    {
        var points = Points(rows);
        var n = points.Count;
        var plot = FigureStyle.NewPlot($"First map targets and home towns ({FigureStyle.Count(n)})", "Longitude", "Latitude");
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.05);

        var (west, east, south, north) = Extent(points);
        // Cut at ±180° first: a ring drawn across the antimeridian would be a line across the world.
        foreach (var piece in outlines.SelectMany(Antimeridian.Split))
        {
            if (!Overlaps(piece, west, east, south, north)) continue;
            var outline = plot.Add.ScatterLine(piece.Select(p => p.Lon).ToArray(), piece.Select(p => p.Lat).ToArray(), FigureStyle.Grey.WithAlpha(0.7));
            outline.LineWidth = 0.8f;
        }

        var linked = points.Where(r => HomeLat(r) is not null && HomeLon(r) is not null).ToList();
        foreach (var r in linked)
        {
            var link = plot.Add.Line(TargetLon(r)!.Value, TargetLat(r)!.Value, HomeLon(r)!.Value, HomeLat(r)!.Value);
            link.LineColor = FigureStyle.Black.WithAlpha(0.35);
            link.LineWidth = 1;
        }
        if (linked.Count > 0)
        {
            var homes = plot.Add.Markers(linked.Select(r => HomeLon(r)!.Value).ToArray(), linked.Select(r => HomeLat(r)!.Value).ToArray(),
                MarkerShape.OpenSquare, 9, FigureStyle.Black);
            homes.MarkerLineWidth = 1.5f;
            homes.LegendText = "home town";
        }

        var self = points.Where(r => r.SelfReference == true).ToList();
        var other = points.Where(r => r.SelfReference == false).ToList();
        var open = points.Where(r => r.SelfReference is null).ToList();
        AddTargets(plot, other, FigureStyle.Orange, $"first target elsewhere ({other.Count})");
        AddTargets(plot, open, FigureStyle.Grey, $"first target, home unknown ({open.Count})");
        AddTargets(plot, self, FigureStyle.Blue, $"first target at home ({self.Count})");

        plot.Axes.Bottom.TickGenerator = Degrees("E", "W");
        plot.Axes.Left.TickGenerator = Degrees("N", "S");
        plot.Axes.SetLimits(west, east, south, north);
        plot.Axes.SquareUnits();
        // Outside the map: inside it would hide points wherever it sits.
        plot.ShowLegend(Edge.Bottom);

        var radius = matchRadiusKm.ToString("0.#", CultureInfo.InvariantCulture);
        var caption = $"The first place each participant singled out on the map ({FigureStyle.Count(n)}): blue within {radius} km of the home town "
            + $"named afterwards ({self.Count}), orange farther ({other.Count})"
            + (open.Count > 0 ? $", grey with no home town to compare ({open.Count})" : "")
            + $"; squares are the home towns ({linked.Count}), each linked to its participant's target by a thin line. "
            + "Equirectangular projection (longitude and latitude in degrees at the same scale), cut to the points; country outlines from Natural Earth (1:110m).";
        return new Figure(Name, caption, plot);
    }

    private static void AddTargets(Plot plot, List<OutcomeRow> rows, Color color, string label)
    {
        if (rows.Count == 0) return;
        var markers = plot.Add.Markers(rows.Select(r => TargetLon(r)!.Value).ToArray(), rows.Select(r => TargetLat(r)!.Value).ToArray(),
            MarkerShape.FilledCircle, 9, color.WithAlpha(0.85));
        markers.LegendText = label;
    }

    /// <summary>West, east, south, north: the targets and home towns with a margin, within the world.</summary>
    internal static (double West, double East, double South, double North) Extent(IReadOnlyList<OutcomeRow> points)
    {
        var lons = points.Select(r => TargetLon(r)!.Value).Concat(points.Where(r => HomeLon(r) is not null).Select(r => HomeLon(r)!.Value)).ToList();
        var lats = points.Select(r => TargetLat(r)!.Value).Concat(points.Where(r => HomeLat(r) is not null).Select(r => HomeLat(r)!.Value)).ToList();
        if (lons.Count == 0) return (-180, 180, -90, 90);
        var (west, east) = Pad(lons.Min(), lons.Max(), 180);
        var (south, north) = Pad(lats.Min(), lats.Max(), 90);
        return (west, east, south, north);
    }

    private static (double Low, double High) Pad(double low, double high, double limit)
    {
        var half = Math.Max((high - low) * (0.5 + MarginShare), MinHalfSpanDegrees);
        var centre = (low + high) / 2;
        return (Math.Max(-limit, centre - half), Math.Min(limit, centre + half));
    }

    private static bool Overlaps(IReadOnlyList<LonLat> ring, double west, double east, double south, double north)
    {
        if (ring.Count < 2) return false;
        // Generous: the equal-aspect rule may widen the view beyond the fitted limits.
        var w = east - west;
        var h = north - south;
        var pad = Math.Max(w, h);
        double minLon = double.MaxValue, maxLon = double.MinValue, minLat = double.MaxValue, maxLat = double.MinValue;
        foreach (var p in ring)
        {
            minLon = Math.Min(minLon, p.Lon);
            maxLon = Math.Max(maxLon, p.Lon);
            minLat = Math.Min(minLat, p.Lat);
            maxLat = Math.Max(maxLat, p.Lat);
        }
        return maxLon >= west - pad && minLon <= east + pad && maxLat >= south - pad && minLat <= north + pad;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic Degrees(string positive, string negative) => new()
    {
        TickDensity = 0.5,
        LabelFormatter = v =>
        {
            var text = Math.Abs(v).ToString("0.#", CultureInfo.InvariantCulture) + "°";
            return Math.Abs(v) < 1e-9 ? text : text + (v > 0 ? positive : negative);
        },
    };
}
