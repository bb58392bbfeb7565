using ScottPlot;

namespace SelfRef.Stats.Figures;

/// <summary>
/// The one style every figure shares: font, Okabe–Ito palette (distinguishable with the
/// common colour-vision deficiencies), sizes.
/// </summary>
public static class FigureStyle
{
    // ScottPlot otherwise picks DejaVu Serif on Linux, and silently drops text when the font is missing.
    public const string FontName = "DejaVu Sans";
    public const int Width = 900;
    public const int Height = 540;
    public const float TitleSize = 18;
    public const float LabelSize = 15;
    public const float TickSize = 13;

    public static readonly Color Orange = Color.FromHex("#E69F00");
    public static readonly Color SkyBlue = Color.FromHex("#56B4E9");
    public static readonly Color BluishGreen = Color.FromHex("#009E73");
    public static readonly Color Yellow = Color.FromHex("#F0E442");
    public static readonly Color Blue = Color.FromHex("#0072B2");
    public static readonly Color Vermillion = Color.FromHex("#D55E00");
    public static readonly Color ReddishPurple = Color.FromHex("#CC79A7");
    public static readonly Color Black = Color.FromHex("#000000");
    public static readonly Color Grey = Color.FromHex("#6E6E6E");

    /// <summary>Okabe–Ito order without yellow, which is too light for lines on white.</summary>
    public static readonly IReadOnlyList<Color> Palette = [Blue, Orange, BluishGreen, Vermillion, SkyBlue, ReddishPurple, Black];

    public static Color Series(int i) => Palette[i % Palette.Count];

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        Fonts.Default = FontName;
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, LabelSize);
        plot.YLabel(yLabel, LabelSize);
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.TickLabelStyle.FontSize = TickSize;
            // ScottPlot's default packs ticks as densely as labels fit; fewer read faster.
            if (axis.TickGenerator is ScottPlot.TickGenerators.NumericAutomatic automatic) automatic.TickDensity = 0.5;
        }
        plot.Legend.FontSize = TickSize;
        plot.Legend.FontName = FontName;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plot;
    }

    public static string Count(int n) => $"n = {n:N0}";

    /// <summary>"pen n = 76, map n = 74": per task, because participants do several tasks and a total would count them twice.</summary>
    public static string Counts(IEnumerable<(string Task, int N)> counts) =>
        string.Join(", ", counts.Select(c => $"{c.Task} {Count(c.N)}"));

    /// <summary>Vertical error bars from a centre down to low and up to high.</summary>
    public static ScottPlot.Plottables.ErrorBar AddErrorBars(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, IReadOnlyList<double> lows, IReadOnlyList<double> highs, Color color)
    {
        var zeros = new double[xs.Count];
        var bars = new ScottPlot.Plottables.ErrorBar(xs, ys, zeros, zeros,
            ys.Select((y, i) => highs[i] - y).ToList(), ys.Select((y, i) => y - lows[i]).ToList())
        {
            Color = color,
            LineWidth = 2,
            CapSize = 8,
        };
        plot.Add.Plottable(bars);
        return bars;
    }

    public static ScottPlot.Plottables.Text AddText(Plot plot, string text, double x, double y, Alignment alignment, Color? color = null)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontName = FontName;
        label.LabelFontSize = TickSize;
        label.LabelFontColor = color ?? Black;
        label.LabelAlignment = alignment;
        return label;
    }
}
