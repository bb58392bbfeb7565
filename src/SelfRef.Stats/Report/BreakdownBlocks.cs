using System.Globalization;
using SelfRef.Stats.Figures;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>The report's section on device class, pointer type and language: one table each, and its figure when there is one.</summary>
internal static class BreakdownBlocks
{
    public static IEnumerable<ReportBlock> Of(IReadOnlyList<Breakdown> breakdowns, string level, IEnumerable<RenderedFigure> figures)
    {
        var shown = breakdowns.Where(b => b.Tasks.Count > 0).ToList();
        if (shown.Count == 0) yield break;
        var byName = figures.ToDictionary(f => f.Name);
        yield return new Heading(2, "By device, pointer type and language");
        yield return new Paragraph("Descriptive breakdowns of the classified first actions (the n of each task's rows adds up to its n above); no test is made. " +
            "Device class is what the browser reported when the task appeared (desktop, tablet, phone), pointer type the pointer of the first action " +
            $"(mouse, touch, pen, keyboard), language the language the participant took part in; \"{Breakdown.Unknown}\" means the page did not record it.");
        foreach (var b in shown)
        {
            yield return new Heading(3, $"By {b.Dimension}");
            yield return new Table(
                ["task", b.Dimension, "n", "self-referential", "proportion", $"{level} Wilson"],
                b.Tasks.SelectMany(t => t.Levels.Select(l => (IReadOnlyList<string>)
                [
                    t.Task, l.Level, l.N.ToString(CultureInfo.InvariantCulture), l.K.ToString(CultureInfo.InvariantCulture),
                    Format.Prop(l.Wilson.Estimate), Format.Interval(l.Wilson.Low, l.Wilson.High),
                ])).ToList());
            if (byName.TryGetValue(BreakdownFigure.NameOf(b), out var figure)) yield return new FigureBlock(figure);
        }
    }
}
