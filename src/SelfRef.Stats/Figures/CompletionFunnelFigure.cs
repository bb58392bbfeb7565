using System.Globalization;
using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>
/// How many participants reached each stage, from the first to completion. Stages not in one sequence
/// (tasks met in different orders: counterbalanced) are drawn in another colour and the caption gives
/// them as counts per task, not as steps after one another.
/// </summary>
public static class CompletionFunnelFigure
{
    public static Figure Create(IReadOnlyList<FunnelStage> stages)
    {
        var first = stages.Count > 0 ? stages[0].Count : 0;
        var plot = FigureStyle.NewPlot(
            $"Completion funnel ({FigureStyle.Count(first)} at the first stage)",
            "Participants", "");
        var max = Math.Max(1, stages.Select(s => s.Count).DefaultIfEmpty(0).Max());
        // First stage at the top: positions count down.
        var bars = stages.Select((s, i) => new Bar
        {
            Position = stages.Count - 1 - i,
            Value = s.Count,
            Size = 0.7,
            FillColor = (s.InSequence ? FigureStyle.Blue : FigureStyle.Orange).WithAlpha(0.8),
            LineWidth = 0,
            Orientation = Orientation.Horizontal,
        }).ToList();
        plot.Add.Bars(bars);
        for (var i = 0; i < stages.Count; i++)
        {
            var share = first > 0 ? $" ({(double)stages[i].Count / first:0%})" : "";
            FigureStyle.AddText(plot, stages[i].Count.ToString("N0", CultureInfo.InvariantCulture) + share, stages[i].Count + max * 0.01, stages.Count - 1 - i, Alignment.MiddleLeft);
        }
        plot.Axes.Left.SetTicks(
            stages.Select((_, i) => (double)(stages.Count - 1 - i)).ToArray(),
            stages.Select(s => s.Label).ToArray());
        plot.Axes.SetLimits(0, max * 1.25, -0.6, stages.Count - 0.4);

        var caption = Caption(stages, first);
        return new Figure("completion-funnel", caption, plot);
    }

    private static string Caption(IReadOnlyList<FunnelStage> stages, int first)
    {
        var n = $" ({FigureStyle.Count(first)} at the first stage).";
        if (stages.All(s => s.InSequence))
            return "Participants at each stage of the study: " + string.Join(" → ", stages.Select(s => $"{s.Label} {s.Count}")) + n;
        return "Participants at each stage of the study: " + string.Join(" → ", stages.Where(s => s.InSequence).Select(s => $"{s.Label} {s.Count}"))
            + ". Orange bars are counts per task, not steps in a sequence, because participants did the tasks in different orders "
            + "(or in an order the outcome table does not give): " + string.Join("; ", stages.Where(s => !s.InSequence).Select(s => $"{s.Label} {s.Count}")) + n;
    }
}
