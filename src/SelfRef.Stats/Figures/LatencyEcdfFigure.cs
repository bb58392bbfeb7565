using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>Empirical cumulative distribution of latency to the first action, per task and outcome.</summary>
public static class LatencyEcdfFigure
{
    /// <summary>
    /// Most steps drawn per curve. Every step of 100,000 latencies adds nothing a figure a few
    /// hundred pixels high can show, yet makes the SVG megabytes and the rendering seconds; a
    /// longer curve is drawn through this many evenly spaced order statistics instead, which
    /// is off by less than 1/MaxSteps in cumulative proportion (under a pixel). Only the
    /// drawing is thinned: the statistics and the counts in the caption use every value.
    /// </summary>
    public const int MaxSteps = 2000;

    public static Figure Create(IReadOnlyList<LatencyGroup> groups)
    {
        var total = groups.Sum(g => g.LatenciesMs.Count);
        var perTask = groups.GroupBy(g => g.Task).Select(t => (t.Key, t.Sum(g => g.LatenciesMs.Count)));
        var plot = FigureStyle.NewPlot(
            $"Latency to the first action ({FigureStyle.Counts(perTask)})",
            "Latency to first action (s)", "Cumulative proportion of participants");
        var tasks = groups.Select(g => g.Task).Distinct().ToList();
        var maxSeconds = groups.SelectMany(g => g.LatenciesMs).DefaultIfEmpty(1000).Max() / 1000;

        foreach (var g in groups)
        {
            var x = Estimators.AscendingCopy.Of(g.LatenciesMs);
            for (var i = 0; i < x.Length; i++) x[i] /= 1000;
            if (x.Length == 0) continue;
            var (xs, ys) = Steps(x, maxSeconds);
            var line = plot.Add.ScatterLine(xs, ys, FigureStyle.Series(tasks.IndexOf(g.Task)));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2.5f;
            line.LinePattern = g.Outcome == LatencyGroup.Self ? LinePattern.Solid : LinePattern.Dashed;
            line.LegendText = $"{g.Task}, {g.Outcome} ({FigureStyle.Count(x.Length)})";
        }
        plot.Axes.SetLimits(0, maxSeconds * 1.02, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);

        var caption = $"Cumulative distribution of the time from task start to the first action, by task (colour) and outcome "
            + $"(solid: self-referential, dashed: other); {FigureStyle.Count(total)} first actions: "
            + string.Join("; ", groups.Select(g => $"{g.Task} {g.Outcome} {g.LatenciesMs.Count}")) + ".";
        if (groups.Any(g => g.LatenciesMs.Count > MaxSteps))
            caption += FormattableString.Invariant($" Curves of more than {MaxSteps:N0} values are drawn through {MaxSteps:N0} evenly spaced quantiles (off by less than 1/{MaxSteps:N0}); the statistics use every value.");
        return new Figure("latency-ecdf", caption, plot);
    }

    /// <summary>
    /// The points of a step curve through sorted values: from 0 at the origin to 1 at
    /// <paramref name="maxSeconds"/>, so every curve spans the same range. With more than
    /// <see cref="MaxSteps"/> values, only the order statistics of ranks ⌈k·n/MaxSteps⌉ are kept.
    /// </summary>
    internal static (double[] X, double[] Y) Steps(double[] sorted, double maxSeconds)
    {
        var n = sorted.Length;
        var kept = n <= MaxSteps
            ? Enumerable.Range(1, n).ToArray()
            : Enumerable.Range(1, MaxSteps).Select(k => (int)Math.Ceiling((double)k * n / MaxSteps)).ToArray();
        var xs = new[] { 0.0, sorted[0] }.Concat(kept.Select(rank => sorted[rank - 1])).Append(maxSeconds).ToArray();
        var ys = new[] { 0.0, 0.0 }.Concat(kept.Select(rank => (double)rank / n)).Append(1.0).ToArray();
        return (xs, ys);
    }
}
