using System.Globalization;
using ScottPlot;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>How many participants reached each stage, from the first to completion.</summary>
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
            FillColor = FigureStyle.Blue.WithAlpha(0.8),
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

        var caption = "Participants at each stage of the study: "
            + string.Join(" → ", stages.Select(s => $"{s.Label} {s.Count}"))
            + $" ({FigureStyle.Count(first)} at the first stage).";
        return new Figure("completion-funnel", caption, plot);
    }
}
