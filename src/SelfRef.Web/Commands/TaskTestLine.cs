using System.Globalization;
using SelfRef.Stats.Results;

namespace SelfRef.Web.Commands;

/// <summary>
/// What a verb prints of one task's test: against its reference proportion, or — for a task whose
/// chance differs per participant (a Chance column, e.g. the name-letter task) — the observed count
/// against the count expected by chance, with the exact Poisson-binomial p-values.
/// </summary>
public static class TaskTestLine
{
    public static string Of(TaskResult task) => task.Chance is { } c
        ? string.Create(CultureInfo.InvariantCulture,
            $"observed {c.K} of {c.N} against {c.Expected:0.0} expected by chance (mean chance {c.MeanChance:P1}), exact Poisson-binomial p = {c.PGreater:G3} (more often than chance), {c.PTwoSided:G3} (two-sided)")
          + (task.WithoutChance > 0 ? $"; {task.WithoutChance} without a chance left out" : "")
        : task.Reference is { } reference
            ? string.Create(CultureInfo.InvariantCulture, $"reference {reference:P1}, exact binomial p = {task.Binomial?.PValue:G3}")
            : "no reference to test against";
}
