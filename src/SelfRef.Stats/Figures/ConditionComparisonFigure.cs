using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>Proportion self-referential per condition level within each task, with Wilson intervals.</summary>
public static class ConditionComparisonFigure
{
    public static Figure Create(IReadOnlyList<ConditionComparison> comparisons)
    {
        var total = comparisons.Sum(c => c.Levels.Sum(l => l.N));
        var plot = FigureStyle.NewPlot(
            $"Self-referential first actions by condition ({FigureStyle.Counts(comparisons.Select(c => (c.Task, c.Levels.Sum(l => l.N))))})",
            "Condition", "Proportion self-referential");
        var levelNames = comparisons.SelectMany(c => c.Levels.Select(l => l.Level)).Distinct().ToList();
        var positions = new List<double>();
        var labels = new List<string>();
        double x = 0;
        foreach (var comparison in comparisons)
        {
            var centre = x + (comparison.Levels.Count - 1) / 2.0;
            FigureStyle.AddText(plot, $"{comparison.Task} task", centre, 1.09, Alignment.MiddleCenter).LabelBold = true;
            foreach (var level in comparison.Levels)
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

        var caption = "Proportion of self-referential first actions per condition level, with 95 % Wilson intervals; "
            + string.Join("; ", comparisons.Select(c => $"{c.Task}: " + string.Join(", ", c.Levels.Select(l => $"{Display(l.Level)} {l.K}/{l.N}"))))
            + $" ({FigureStyle.Count(total)}).";
        return new Figure("condition-comparison", caption, plot);
    }

    internal static string Display(string level) => level.Length == 0 ? "(no condition)" : level;
}
