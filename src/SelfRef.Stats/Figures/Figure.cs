using ScottPlot;
using SkiaSharp;

namespace SelfRef.Stats.Figures;

/// <summary>A plot with its file name (no extension) and its caption, which states n.</summary>
public sealed record Figure(string Name, string Caption, Plot Plot);

/// <summary>A figure rendered in memory: PNG at print resolution and SVG.</summary>
public sealed record RenderedFigure(string Name, string Caption, byte[] Png, string Svg)
{
    /// <summary>Print resolution of the PNGs: what journals ask for line art with text.</summary>
    public const double Dpi = 300;

    /// <summary>The printed width of a figure at <see cref="FigureStyle.Width"/> layout units: a page's text width.</summary>
    public const double WidthInches = 6.5;

    /// <summary>
    /// Pixels per layout unit in the PNG: the layout (fonts, margins) is designed at
    /// <see cref="FigureStyle.Width"/> × <see cref="FigureStyle.Height"/> units, and the PNG draws it
    /// scaled to 6.5 in × 3.9 in at 300 dpi (1950 × 1170 pixels) so text keeps its size relative to the figure.
    /// </summary>
    public const double PngScale = Dpi * WidthInches / FigureStyle.Width;

    /// <param name="width">Layout width (units as in FigureStyle); the PNG has <see cref="PngScale"/> pixels per unit, the SVG one.</param>
    public static RenderedFigure From(Figure figure, int width = FigureStyle.Width, int height = FigureStyle.Height)
    {
        var plot = figure.Plot;
        byte[] png;
        try
        {
            plot.ScaleFactor = (float)PngScale;
            png = EncodePng(plot, (int)Math.Round(width * PngScale), (int)Math.Round(height * PngScale));
        }
        finally { plot.ScaleFactor = 1; }
        return new(figure.Name, figure.Caption, PngDensity.WithDpi(png, Dpi), plot.GetSvgXml(width, height));
    }

    /// <summary>
    /// The plot as PNG, encoded with a fast filter and zlib level instead of SkiaSharp's defaults (every
    /// filter tried per row, level 6), which made encoding half the time of a 300-dpi report. Figures are
    /// mostly flat colour, so the file grows only a little.
    /// </summary>
    private static byte[] EncodePng(Plot plot, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException($"no {width} x {height} drawing surface");
        plot.Render(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var pixels = image.PeekPixels();
        using var data = pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, zLibLevel: 1));
        return data?.ToArray() ?? throw new InvalidOperationException("the PNG encoder gave nothing");
    }
}
