using SelfRef.Stats.Figures;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Figures;

public class FigureResolutionTests
{
    [Fact]
    public void Pngs_are_6_5_by_3_9_inches_at_300_dpi_and_the_svg_is_kept()
    {
        var options = new ReportOptions();
        var figure = ReportFigures.Create(ReplicationResults.Compute(SyntheticOutcomes.Create(), options), options).First(f => f.Name == "replication-bars");
        var rendered = RenderedFigure.From(figure);

        Assert.Equal((1950, 1170), PngDensity.Size(rendered.Png));
        var dpi = PngDensity.Dpi(rendered.Png);
        Assert.NotNull(dpi);
        Assert.InRange(dpi.Value.X, 299.9, 300.1);
        Assert.InRange(dpi.Value.Y, 299.9, 300.1);
        using (var bitmap = SkiaSharp.SKBitmap.Decode(rendered.Png))
        {
            Assert.NotNull(bitmap);
            Assert.Equal(1950, bitmap.Width);
        }
        Assert.Contains("<svg", rendered.Svg);
        Assert.Contains("width=\"900\"", rendered.Svg);
    }

    [Fact]
    public void The_png_draws_the_900_by_540_layout_scaled_up_so_text_keeps_its_size_relative_to_the_figure()
    {
        var options = new ReportOptions();
        var figure = ReportFigures.Create(ReplicationResults.Compute(SyntheticOutcomes.Create(), options), options).First(f => f.Name == "replication-bars");
        figure.Plot.GetImageBytes(FigureStyle.Width, FigureStyle.Height, ScottPlot.ImageFormat.Png);
        var plain = figure.Plot.LastRender;
        RenderedFigure.From(figure);
        var print = figure.Plot.LastRender;
        // Laid out in the same 900 × 540 units (fonts and margins as designed), only drawn with more pixels.
        Assert.InRange(print.FigureRect.Width, FigureStyle.Width - 1, FigureStyle.Width + 1);
        Assert.InRange(print.DataRect.Left, plain.DataRect.Left - 1, plain.DataRect.Left + 1);
        Assert.InRange(print.DataRect.Bottom, plain.DataRect.Bottom - 1, plain.DataRect.Bottom + 1);
    }
}
