using ScottPlot;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Stats.Figures;

/// <summary>
/// A participant's sheet as written, for coders, exports and the report: every stroke in sheet
/// coordinates, the first word in black and the rest in grey; or the first word alone, cropped.
/// </summary>
public static class PenSheetFigure
{
    /// <param name="sheetAspect">width / height of the sheet as the participant saw it, so letters keep their shape.</param>
    public static (Plot Plot, int Width, int Height) Sheet(IReadOnlyList<PenStroke> strokes, FirstWord? firstWord, double sheetAspect, int width = 900)
    {
        var plot = Blank();
        var first = firstWord?.Strokes.ToHashSet() ?? [];
        foreach (var stroke in strokes)
            Draw(plot, stroke, first.Contains(stroke.Index) ? FigureStyle.Black : FigureStyle.Grey.WithAlpha(0.55));
        plot.Axes.SetLimitsX(0, 1);
        plot.Axes.SetLimitsY(1, 0);
        return (plot, width, (int)Math.Round(width / Math.Max(0.2, sheetAspect)));
    }

    /// <summary>The first word alone, with a margin of a tenth of its height, at its own proportions.</summary>
    public static (Plot Plot, int Width, int Height) FirstWordOnly(IReadOnlyList<PenStroke> strokes, FirstWord firstWord, double sheetAspect, int height = 240)
    {
        var plot = Blank();
        var first = firstWord.Strokes.ToHashSet();
        foreach (var stroke in strokes.Where(s => first.Contains(s.Index))) Draw(plot, stroke, FigureStyle.Black);
        var box = firstWord.Box;
        var margin = Math.Max(box.Height, 0.02) * 0.15;
        plot.Axes.SetLimitsX(box.Left - margin, box.Right + margin);
        plot.Axes.SetLimitsY(box.Bottom + margin, box.Top - margin);
        var aspect = (box.Width + 2 * margin) * sheetAspect / (box.Height + 2 * margin);
        return (plot, (int)Math.Clamp(Math.Round(height * aspect), 60, 2400), height);
    }

    private static Plot Blank()
    {
        Fonts.Default = FigureStyle.FontName;
        var plot = new Plot();
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        return plot;
    }

    private static void Draw(Plot plot, PenStroke stroke, Color color)
    {
        var xs = stroke.Points.Select(p => p.X).ToArray();
        var ys = stroke.Points.Select(p => p.Y).ToArray();
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LineWidth = 3;
        // A single point (a dot over an i) has no line to draw: show it as a dot.
        line.MarkerSize = xs.Length == 1 ? 5 : 0;
        line.MarkerShape = MarkerShape.FilledCircle;
    }
}
