using SelfRef.Stats.Results;

namespace SelfRef.Stats.Figures;

/// <summary>Proportion self-referential per condition level within each task, with Wilson intervals.</summary>
public static class ConditionComparisonFigure
{
    public static Figure Create(IReadOnlyList<ConditionComparison> comparisons) =>
        ProportionBars.Create("condition-comparison", "Self-referential first actions by condition", "Condition",
            "Proportion of self-referential first actions per condition level", comparisons.Select(c => (c.Task, c.Levels)).ToList());

    internal static string Display(string level) => ProportionBars.Display(level);
}
