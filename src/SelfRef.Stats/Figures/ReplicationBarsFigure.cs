using System.Globalization;
using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>Observed proportion per task with Wilson and Clopper–Pearson intervals against the reference or the mean chance.</summary>
public static class ReplicationBarsFigure
{
    /// <param name="all">Every task of the report; one without a classified first action (n = 0) has no bar and is named in the caption.</param>
    public static Figure Create(IReadOnlyList<TaskResult> all)
    {
        var tasks = all.Where(t => t.N > 0).ToList();
        var empty = all.Where(t => t.N == 0).Select(t => t.Task).ToList();
        var plot = FigureStyle.NewPlot(
            $"Self-referential first actions ({FigureStyle.Counts(tasks.Select(t => (t.Task, t.N)))})",
            "Task", "Proportion self-referential");
        var level = tasks.Count > 0 ? tasks[0].Wilson.Level : 0.95;
        var percent = (level * 100).ToString("0.#", CultureInfo.InvariantCulture);

        var bars = tasks.Select((t, i) => new Bar
        {
            Position = i,
            Value = t.Proportion,
            Size = 0.55,
            FillColor = FigureStyle.SkyBlue.WithAlpha(0.75),
            LineColor = FigureStyle.Blue,
            LineWidth = 1,
        }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.LegendText = "observed proportion";

        // Intervals side by side so that neither hides the other.
        AddInterval(plot, tasks, -0.09, t => (t.Wilson.Low, t.Wilson.High), FigureStyle.Black, $"Wilson {percent} % CI");
        AddInterval(plot, tasks, +0.09, t => (t.ClopperPearson.Low, t.ClopperPearson.High), FigureStyle.Vermillion, $"Clopper–Pearson {percent} % CI");

        // What each task is tested against: the reference proportion, or the mean of its participants' chances.
        var referenceShown = AddLines(plot, tasks, t => t.Chance is null ? t.Reference : null, FigureStyle.Orange, LinePattern.Dashed, "reference (Gallup)");
        var chanceShown = AddLines(plot, tasks, t => t.Chance?.MeanChance, FigureStyle.BluishGreen, LinePattern.Dotted, "mean chance");

        plot.Axes.Bottom.SetTicks(
            tasks.Select((_, i) => (double)i).ToArray(),
            tasks.Select(t => $"{t.Task} ({FigureStyle.Count(t.N)})").ToArray());
        plot.Axes.SetLimits(-0.6, tasks.Count - 0.4, 0, 1.15);
        plot.Axes.Left.SetTicks([0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        plot.ShowLegend(Alignment.UpperCenter, Orientation.Horizontal);

        var caption = $"Proportion of participants whose first action was self-referential, per task ("
            + string.Join("; ", tasks.Select(t => $"{t.Task}: {t.K} of {FigureStyle.Count(t.N)}"))
            + $"), with {percent} % Wilson (black) and Clopper–Pearson (red) intervals"
            + (referenceShown ? "; dashed orange line: reference proportion (Gallup anecdote)" : "")
            + (chanceShown ? "; dotted green line: mean of the participants' chances of a self-referential first action (the test is against each participant's own chance)" : "")
            + (empty.Count > 0 ? $"; not drawn, no classified first action (n = 0): {string.Join(", ", empty)}" : "")
            + ".";
        return new Figure("replication-bars", caption, plot);
    }

    private static bool AddLines(Plot plot, IReadOnlyList<TaskResult> tasks, Func<TaskResult, double?> level, Color color, LinePattern pattern, string label)
    {
        var shown = false;
        for (var i = 0; i < tasks.Count; i++)
        {
            if (level(tasks[i]) is not { } y) continue;
            var line = plot.Add.ScatterLine(new[] { i - 0.42, i + 0.42 }, new[] { y, y }, color);
            line.LineWidth = 3;
            line.LinePattern = pattern;
            line.LegendText = shown ? "" : label;
            shown = true;
            FigureStyle.AddText(plot, y.ToString("0.###", CultureInfo.InvariantCulture), i + 0.44, y, Alignment.MiddleLeft, color.Darken(0.3));
        }
        return shown;
    }

    private static void AddInterval(Plot plot, IReadOnlyList<TaskResult> tasks, double offset, Func<TaskResult, (double Low, double High)> interval, Color color, string label)
    {
        var xs = tasks.Select((_, i) => i + offset).ToList();
        var ys = tasks.Select(t => t.Proportion).ToList();
        var bars = FigureStyle.AddErrorBars(plot, xs, ys, tasks.Select(t => interval(t).Low).ToList(), tasks.Select(t => interval(t).High).ToList(), color);
        bars.LegendText = label;
        var points = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        points.LineWidth = 0;
        points.MarkerSize = 6;
    }
}
