using SelfRef.Stats.Figures;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Figures;

public class FigureTests
{
    public static TheoryData<string> Names => new() { "replication-bars", "latency-ecdf", "distance-histogram", "condition-comparison", "by-device", "by-pointer-type", "by-language", "completion-funnel" };

    private static readonly Lazy<IReadOnlyList<Figure>> All = new(() =>
    {
        var options = new ReportOptions();
        return ReportFigures.Create(ReplicationResults.Compute(SyntheticOutcomes.Create(), options), options);
    });

    [Fact]
    public void Fonts_are_installed_so_that_text_does_not_silently_vanish()
    {
        Assert.NotEmpty(SkiaSharp.SKFontManager.Default.FontFamilies);
        Assert.True(SkiaSharp.SKFontManager.Default.FontFamilies.Contains(FigureStyle.FontName),
            $"Font '{FigureStyle.FontName}' is not installed; figures would fall back to another font (install fonts-dejavu-core).");
    }

    [Theory, MemberData(nameof(Names))]
    public void Figure_renders_to_a_non_trivial_png_and_svg_with_n_in_its_caption(string name)
    {
        var figure = Assert.Single(All.Value, f => f.Name == name);
        var rendered = RenderedFigure.From(figure);
        Assert.True(rendered.Png.Length > 10_000, $"{name}.png is only {rendered.Png.Length} bytes: the figure is probably blank");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], rendered.Png.Take(4));
        Assert.Contains("<svg", rendered.Svg);
        Assert.True(rendered.Svg.Contains("<text", StringComparison.Ordinal) || rendered.Svg.Contains("<path", StringComparison.Ordinal),
            $"{name}.svg has neither text nor paths");
        Assert.Contains("n = ", figure.Caption);
        Assert.Contains("n = ", figure.Plot.Axes.Title.Label.Text);
    }

    [Fact]
    public void Figures_render_when_written_to_a_folder_named_by_the_environment()
    {
        // Set SELFREF_FIGURE_DIR to look at the PNGs; without it this only checks that all eight exist.
        Assert.Equal(8, All.Value.Count);
        if (Environment.GetEnvironmentVariable("SELFREF_FIGURE_DIR") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        foreach (var f in All.Value)
            File.WriteAllBytes(Path.Combine(dir, f.Name + ".png"), RenderedFigure.From(f).Png);
    }
}
