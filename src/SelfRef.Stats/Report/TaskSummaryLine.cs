using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>
/// One line per task for the console after `analyze`: the count, the proportion with its Wilson
/// interval and what the task was tested against; a task without a reference or chance says it
/// was not tested rather than printing an empty reference.
/// </summary>
public static class TaskSummaryLine
{
    public static string Of(TaskResult t)
    {
        if (t.N == 0)
            return $"{t.Task}: n = 0, no classified first action" +
                (t.Missing.Count > 0 ? " (" + string.Join(", ", t.Missing.Select(m => $"{m.Value} {m.Key}")) + ")" : "");
        var head = $"{t.Task}: {t.K}/{t.N} = {Format.Percent(t.Proportion)} ({Format.Level(t.Wilson.Level)} CI {Format.Percent(t.Wilson.Low)} to {Format.Percent(t.Wilson.High)})";
        return t switch
        {
            { Chance: { } c } => $"{head}, against each participant's chance (mean {Format.Prop(c.MeanChance)}): exact Poisson-binomial {Format.PIs(c.PTwoSided, "two-sided p")}",
            { Reference: { } p0, Binomial: { } b } => $"{head}, reference {Format.Prop(p0)}: exact binomial {Format.PIs(b.PValue)}",
            _ => $"{head}, no reference proportion: not tested",
        };
    }
}
