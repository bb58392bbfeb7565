using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>
/// Proportion self-referential per group (a condition, a device, a language) within each task, with Wilson
/// intervals: the drawing the condition comparison and the breakdowns share.
/// </summary>
internal static class ProportionBars
{
    /// <param name="title">The plot's title, before the counts per task.</param>
    /// <param name="axis">The label of the groups' axis ("Condition", "Device").</param>
    /// <param name="captionStart">The caption up to the counts: "Proportion of self-referential first actions per condition level".</param>
    public static Figure Create(string name, string title, string axis, string captionStart, IReadOnlyList<(string Task, IReadOnlyList<ConditionLevel> Levels)> groups)
    {
        var total = groups.Sum(c => c.Levels.Sum(l => l.N));
        var plot = FigureStyle.NewPlot($"{title} ({FigureStyle.Counts(groups.Select(c => (c.Task, c.Levels.Sum(l => l.N))))})", axis, "Proportion self-referential");
        var levelNames = groups.SelectMany(c => c.Levels.Select(l => l.Level)).Distinct().ToList();
        var positions = new List<double>();
        var labels = new List<string>();
        double x = 0;
        foreach (var (task, levels) in groups)
        {
            var centre = x + (levels.Count - 1) / 2.0;
            FigureStyle.AddText(plot, $"{task} task", centre, 1.09, Alignment.MiddleCenter).LabelBold = true;
            foreach (var level in levels)
            {
                var color = FigureStyle.Series(levelNames.IndexOf(level.Level));
                var bar = plot.Add.Bar(x, level.Wilson.Estimate);
                bar.Bars[0].FillColor = color.WithAlpha(0.75);
                bar.Bars[0].Size = 0.8;
                bar.Bars[0].LineWidth = 0;
                FigureStyle.AddErrorBars(plot, [x], [level.Wilson.Estimate], [level.Wilson.Low], [level.Wilson.High], FigureStyle.Black);
                positions.Add(x);
                labels.Add($"{Display(level.Level)}\n{FigureStyle.Count(level.N)}");
                x += 1;
            }
            x += 0.8; // gap between tasks
        }
        plot.Axes.Bottom.SetTicks(positions.ToArray(), labels.ToArray());
        plot.Axes.SetLimits(-0.7, Math.Max(x - 0.8 - 0.3, 0.7), 0, 1.15);
        plot.Axes.Left.SetTicks([0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0", "0.2", "0.4", "0.6", "0.8", "1"]);

        var caption = $"{captionStart}, with 95 % Wilson intervals; "
            + string.Join("; ", groups.Select(c => $"{c.Task}: " + string.Join(", ", c.Levels.Select(l => $"{Display(l.Level)} {l.K}/{l.N}"))))
            + $" ({FigureStyle.Count(total)}).";
        return new Figure(name, caption, plot);
    }

    internal static string Display(string level) => level.Length == 0 ? "(no condition)" : level;
}
