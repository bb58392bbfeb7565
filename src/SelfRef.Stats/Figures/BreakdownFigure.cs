using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>Proportion self-referential per device class, pointer type or language within each task, with Wilson intervals.</summary>
public static class BreakdownFigure
{
    /// <summary>"by-device", "by-pointer-type", "by-language".</summary>
    public static string NameOf(Breakdown breakdown) => "by-" + breakdown.Dimension.Replace(' ', '-');

    public static Figure Create(Breakdown breakdown) =>
        ProportionBars.Create(NameOf(breakdown), $"Self-referential first actions by {breakdown.Dimension}", Cap(breakdown.Dimension),
            $"Proportion of self-referential first actions per {breakdown.Dimension} (descriptive; \"{Breakdown.Unknown}\": not recorded)",
            breakdown.Tasks.Select(t => (t.Task, t.Levels)).ToList());

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
