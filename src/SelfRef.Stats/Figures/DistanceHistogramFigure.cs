using System.Globalization;
using ScottPlot;

namespace SelfRef.Stats.Figures;

/// <summary>Histogram of distances from the first map target to the home town, on a log scale.</summary>
public static class DistanceHistogramFigure
{
    // Half-decade bins from 0.1 km to 20 000 km (half the Earth's circumference);
    // shorter distances, including 0, fall in the first bin.
    private const double MinKm = 0.1;
    private const double MaxKm = 20_000;
    private const double BinsPerDecade = 2;

    public static Figure Create(IReadOnlyList<double> distancesKm, double matchRadiusKm)
    {
        var plot = FigureStyle.NewPlot(
            $"Distance from first map target to home town ({FigureStyle.Count(distancesKm.Count)})",
            "Distance to home town (km, log scale)", "Participants");
        var lo = Math.Log10(MinKm);
        var binCount = (int)Math.Ceiling((Math.Log10(MaxKm) - lo) * BinsPerDecade);
        var counts = new int[binCount];
        foreach (var d in distancesKm)
        {
            var bin = (int)Math.Floor((Math.Log10(Math.Max(d, MinKm)) - lo) * BinsPerDecade);
            counts[Math.Clamp(bin, 0, binCount - 1)]++;
        }
        var width = 1 / BinsPerDecade;
        var bars = counts.Select((c, i) => new Bar
        {
            Position = lo + (i + 0.5) * width,
            Value = c,
            Size = width * 0.95,
            FillColor = FigureStyle.BluishGreen.WithAlpha(0.8),
            LineWidth = 0,
        }).ToList();
        plot.Add.Bars(bars);

        var radius = plot.Add.VerticalLine(Math.Log10(matchRadiusKm), 2, FigureStyle.Vermillion, LinePattern.Dashed);
        var radiusText = matchRadiusKm.ToString("0.#", CultureInfo.InvariantCulture);
        radius.LegendText = $"match radius {radiusText} km";

        // Log-scale ticks by hand: labels at the decades, minor ticks at 2..9 times each decade.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var e = -1; e <= 4; e++)
        {
            ticks.AddMajor(e, Label(e));
            for (var m = 2; m <= 9 && e + Math.Log10(m) <= Math.Log10(MaxKm); m++) ticks.AddMinor(e + Math.Log10(m));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        var max = counts.DefaultIfEmpty(0).Max();
        plot.Axes.SetLimits(lo, Math.Log10(MaxKm), 0, Math.Max(1, max) * 1.15);
        plot.ShowLegend(Alignment.UpperRight);

        var within = distancesKm.Count(d => d <= matchRadiusKm);
        var caption = $"Distance between the first place a participant singled out on the map and the home town named afterwards "
            + $"({FigureStyle.Count(distancesKm.Count)}; {within} within the {radiusText} km match radius, dashed line). "
            + $"Half-decade bins; distances below {MinKm.ToString(CultureInfo.InvariantCulture)} km, including 0, are counted in the first bin.";
        return new Figure("distance-histogram", caption, plot);
    }

    private static string Label(double log10) =>
        Math.Pow(10, log10).ToString(log10 < 0 ? "0.#" : "#,0", CultureInfo.InvariantCulture).Replace(",", " ", StringComparison.Ordinal);
}
