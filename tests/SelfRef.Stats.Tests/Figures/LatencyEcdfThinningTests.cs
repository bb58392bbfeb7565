using SelfRef.Stats.Figures;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Figures;

/// <summary>The latency ECDF of 100,000 participants is drawn through at most 2,000 steps, within a pixel of the real curve.</summary>
public class LatencyEcdfThinningTests
{
    [Fact]
    public void Short_curves_keep_every_step()
    {
        double[] x = [0.5, 1, 1, 2];
        var (xs, ys) = LatencyEcdfFigure.Steps(x, 3);
        Assert.Equal([0, 0.5, 0.5, 1, 1, 2, 3], xs);
        Assert.Equal([0, 0, 0.25, 0.5, 0.75, 1, 1], ys);
    }

    [Fact]
    public void A_curve_of_100000_values_is_drawn_within_1_in_2000_of_the_ecdf()
    {
        var random = new Random(5);
        // Rounded to 0.1 ms, so that many values tie, as browser clocks make them.
        var x = Enumerable.Range(0, 100_000).Select(_ => Math.Round(Math.Exp(7.8 + 0.6 * Normal(random)), 1) / 1000).Order().ToArray();
        var (xs, ys) = LatencyEcdfFigure.Steps(x, x[^1]);
        Assert.InRange(xs.Length, 3, LatencyEcdfFigure.MaxSteps + 3);
        Assert.Equal((0.0, 0.0), (xs[0], ys[0]));
        Assert.Equal((x[^1], 1.0), (xs[^1], ys[^1]));

        // The drawn curve (horizontal, then vertical steps) against the ECDF, at and just below every distinct value.
        var worst = 0.0;
        int at = 0, below = 0;
        for (var first = 0; first < x.Length;)
        {
            var last = first;
            while (last + 1 < x.Length && x[last + 1] == x[first]) last++;
            while (at + 1 < xs.Length && xs[at + 1] <= x[first]) at++;
            while (below + 1 < xs.Length && xs[below + 1] < x[first]) below++;
            worst = Math.Max(worst, Math.Abs((last + 1.0) / x.Length - ys[at]));
            worst = Math.Max(worst, Math.Abs((double)first / x.Length - ys[below]));
            first = last + 1;
        }
        Assert.True(worst < 1.0 / LatencyEcdfFigure.MaxSteps, $"the drawn curve is {worst:G3} away from the ECDF; at most 1/{LatencyEcdfFigure.MaxSteps} is allowed");
    }

    [Fact]
    public void The_figure_of_100000_latencies_stays_small_and_its_caption_counts_every_value()
    {
        var random = new Random(9);
        var groups = new[] { LatencyGroup.Self, LatencyGroup.Other }
            .Select(o => new LatencyGroup("pen", o, Enumerable.Range(0, 50_000).Select(_ => Math.Exp(7.8 + 0.6 * Normal(random))).Order().ToList()))
            .ToList();
        var figure = LatencyEcdfFigure.Create(groups);
        var rendered = RenderedFigure.From(figure);
        Assert.True(rendered.Svg.Length < 1_000_000, $"the SVG has {rendered.Svg.Length:N0} characters; thinning should keep it well under a megabyte");
        Assert.Contains("pen self-referential 50000; pen other 50000", figure.Caption);
        Assert.Contains("2,000 evenly spaced quantiles", figure.Caption);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
