using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>Empirical cumulative distribution of latency to the first action, per task and outcome.</summary>
public static class LatencyEcdfFigure
{
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
            var x = g.LatenciesMs.Order().Select(v => v / 1000).ToArray();
            if (x.Length == 0) continue;
            // Start at 0 and end at the overall maximum, so every curve spans the same range.
            var xs = new[] { 0.0, x[0] }.Concat(x).Append(maxSeconds).ToArray();
            var ys = new[] { 0.0, 0.0 }.Concat(x.Select((_, i) => (i + 1.0) / x.Length)).Append(1.0).ToArray();
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
        return new Figure("latency-ecdf", caption, plot);
    }
}
