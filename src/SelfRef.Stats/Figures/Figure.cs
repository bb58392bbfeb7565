using ScottPlot;

namespace SelfRef.Stats.Figures;

/// <summary>A plot with its file name (no extension) and its caption, which states n.</summary>
public sealed record Figure(string Name, string Caption, Plot Plot);

/// <summary>A figure rendered in memory.</summary>
public sealed record RenderedFigure(string Name, string Caption, byte[] Png, string Svg)
{
    public static RenderedFigure From(Figure figure, int width = FigureStyle.Width, int height = FigureStyle.Height) =>
        new(figure.Name, figure.Caption,
            figure.Plot.GetImageBytes(width, height, ImageFormat.Png),
            figure.Plot.GetSvgXml(width, height));
}
