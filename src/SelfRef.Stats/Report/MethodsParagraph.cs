using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>
/// The methods and results paragraphs a researcher pastes into a paper. Every number is read from the
/// same <see cref="ReplicationResults"/> the tables and figures show (nothing is computed again here), and
/// printed with the same <see cref="Format"/> rules, so the text and the tables cannot disagree.
/// </summary>
public static class MethodsParagraph
{
    public const string Heading = "Methods and results, ready to paste";

    /// <summary>The methods paragraph, then the results paragraph.</summary>
    public static IReadOnlyList<string> Build(ReplicationResults r, ReportOptions o) => [Methods(r, o), Results(r, o)];

    public static string Methods(ReplicationResults r, ReportOptions o)
    {
        var parts = new List<string>
        {
            $"Data were collected and analysed with {o.Software}; {Experiment(r, o)}.",
            Sample(r, o),
        };
        foreach (var task in r.Tasks)
            parts.Add($"{Cap(task.Task)} task. " + (o.FirstActions?.GetValueOrDefault(task.Task) ?? StepTypes.Task(task.Task)?.FirstAction(null)
                ?? "A task this program does not know: its rows were classified elsewhere."));
        parts.Add(Coding(r, o));
        parts.Add(Tests(r, o));
        if (Gallup(r, o) is { } gallup) parts.Add(gallup);
        if (r.Deviations is { } deviations) parts.Add(deviations.Sentence());
        return string.Join(" ", parts.Where(p => p.Length > 0));
    }

    public static string Results(ReplicationResults r, ReportOptions o)
    {
        var level = Format.Level(o.ConfidenceLevel);
        var parts = new List<string>();
        foreach (var t in r.Tasks)
        {
            if (t.N == 0)
            {
                parts.Add($"{Cap(t.Task)} task: no participant had a classified first action{Missing(t, " (", ")")}.");
                continue;
            }
            var s = $"{Cap(t.Task)} task: {t.K} of {t.N} participants ({Format.Percent(t.Proportion)}; {level} CI {Format.Percent(t.Wilson.Low)} to {Format.Percent(t.Wilson.High)}, Wilson) " +
                "made a self-referential first action";
            if (t.Chance is { } c)
                s += $", against {Format.Num(c.Expected, "#,0.0")} expected by each participant's chance (mean {Format.Prop(c.MeanChance)}; exact Poisson-binomial test, n = {c.N}, " +
                     $"{Format.PIs(c.PGreater, "one-sided p")}, two-sided {Format.PIs(c.PTwoSided)}; Cohen's h = {Format.Signed(c.CohensH.H)})";
            else if (t is { Reference: { } p0, Binomial: { } b, CohensH: { } h })
                s += $"; against the reference proportion {Format.Prop(p0)}, exact binomial test {Format.PIs(b.PValue)} (two-sided), Cohen's h = {Format.Signed(h.H)} ({h.Magnitude})";
            else
                s += " (no reference proportion: not tested)";
            if (t.Latency.N > 0)
                s += $"; median latency to the first action {Format.Ms(t.Latency.Median)} ms (IQR {Format.Ms(t.Latency.Iqr)} ms, n = {t.Latency.N})";
            parts.Add(s + Missing(t, "; not classified: ", "") + ".");
        }
        foreach (var c in r.Conditions)
            parts.Add($"{Cap(c.Task)} task by condition: " +
                string.Join(", ", c.Levels.Select(l => $"{Figures.ConditionComparisonFigure.Display(l.Level)} {l.K}/{l.N} ({Format.Prop(l.Wilson.Estimate)})")) +
                $"; {Fisher(c.Fisher)}; χ²({c.ChiSquare.DegreesOfFreedom}) = {Format.Num(c.ChiSquare.Statistic, "0.000")}, {Format.PIs(c.ChiSquare.PValue)}" +
                (c.OddsRatioVsFirst is { } or ? $"; odds ratio ({Figures.ConditionComparisonFigure.Display(c.Levels[1].Level)} vs {Figures.ConditionComparisonFigure.Display(c.Levels[0].Level)}) {Format.Num(or)}" : "") + ".");
        if (r.Kappa is { } k)
            parts.Add($"Agreement between coders: Cohen's κ = {Format.Num(k.Kappa, "0.000")} ({level} CI {Format.Num(Math.Max(k.Low, -1), "0.000")} to {Format.Num(Math.Min(k.High, 1), "0.000")}, n = {k.N} double-coded answers).");
        return parts.Count == 0 ? "No task rows were analysed." : string.Join(" ", parts);
    }

    private static string Experiment(ReplicationResults r, ReportOptions o)
    {
        var ids = r.Tidy.Experiments.Order(StringComparer.Ordinal).ToList();
        var id = ids.Count switch
        {
            0 => "experiment not named in the outcome table",
            1 => $"experiment \"{ids[0]}\"",
            _ => "experiments " + string.Join(", ", ids.Select(i => $"\"{i}\"")),
        };
        var versions = o.Versions ?? [];
        var which = versions.Count switch
        {
            0 => "the version of the experiment file is not recorded",
            1 => $"all sessions ran on one version of the experiment file ({ExperimentVersion.ShortOf(versions[0].Hash)})",
            _ => $"sessions ran on {versions.Count} versions of the experiment file, pooled: " +
                 string.Join(", ", versions.Select(v => $"{ExperimentVersion.ShortOf(v.Hash)} ({v.Sessions} session{(v.Sessions == 1 ? "" : "s")})")) +
                 (versions.Any(v => v.TaskStepChanges.Count > 0) ? ", whose task steps differ" : ", with the same task steps"),
        };
        return $"{id}, {which}";
    }

    private static string Sample(ReplicationResults r, ReportOptions o)
    {
        var s = $"{r.Participants} participant{(r.Participants == 1 ? " was" : "s were")} analysed";
        if (o.Exclusions is { Count: > 0 } exclusions)
        {
            var total = exclusions.Sum(e => e.Sessions);
            var reasons = string.Join("; ", exclusions.OrderByDescending(e => e.Sessions).ThenBy(e => e.Reason, StringComparer.Ordinal).Select(e => $"{e.Reason}: {e.Sessions}"));
            s += o.ExcludedIncluded
                ? $", including {total} session{(total == 1 ? "" : "s")} a researcher had excluded ({reasons}), as asked for"
                : $" after {total} session{(total == 1 ? "" : "s")} excluded by a researcher had been left out ({reasons})";
        }
        else s += "; no session was excluded";
        s += o.PilotsIncluded > 0 ? $", with {o.PilotsIncluded} researchers' pilot run{(o.PilotsIncluded == 1 ? "" : "s")} included as asked for." : "; researchers' pilot runs are not counted.";
        if (r.Tidy.LeftOutRows > 0)
            s += $" {r.Tidy.LeftOutRows} duplicate row{(r.Tidy.LeftOutRows == 1 ? "" : "s")} repeating a participant and task {(r.Tidy.LeftOutRows == 1 ? "was" : "were")} left out (the first row counted).";
        var missing = r.Tasks.Where(t => t.Missing.Count > 0).ToList();
        s += missing.Count == 0
            ? " Every participant's first action in each task was classified."
            : " Participants whose first action could not be classified were left out of that task's n: " +
              string.Join("; ", missing.Select(t => $"{t.Task}, {MissingText(t)}")) + ".";
        return s;
    }

    private static string Coding(ReplicationResults r, ReportOptions o)
    {
        if (r.Coding.Count == 0)
            return "No row of these data records coding by human coders (every classification here was made by the program's rules), so no coding procedure or κ applies.";
        var parts = new List<string>();
        foreach (var c in r.Coding)
        {
            var perAnswer = c.CodersPerAnswer.Count == 0
                ? "no answer has been coded yet"
                : string.Join(", ", c.CodersPerAnswer.OrderByDescending(kv => kv.Key).Select(kv => $"{kv.Value} answer{(kv.Value == 1 ? "" : "s")} by {kv.Key} coder{(kv.Key == 1 ? "" : "s")}"));
            var open = new List<string>();
            if (c.Disagreed > 0) open.Add($"{c.Disagreed} on which the coders disagree");
            if (c.Unreadable > 0) open.Add($"{c.Unreadable} coded unreadable");
            if (c.NotCoded > 0) open.Add($"{c.NotCoded} not coded");
            parts.Add($"In the {c.Task} task, human coders judged each answer ({perAnswer}); an answer is classified when its coders agree " +
                "(with more than two coders, a strict majority)" + (open.Count > 0 ? $", and {string.Join(", ", open)} {(open.Count == 1 && Count(c) == 1 ? "is" : "are")} left unclassified" : "") + ".");
        }
        if (r.Kappa is { } k)
            parts.Add($"Agreement between the first two coders of each double-coded answer: Cohen's κ = {Format.Num(k.Kappa, "0.000")} over {k.N} answers (see the agreement section).");
        else if (o.Coding is null)
            parts.Add("Cohen's κ cannot be given here: the outcome table does not hold each coder's codes (analyze --experiment computes κ from the database).");
        else
            parts.Add("Cohen's κ cannot be given: no answer has been coded by two coders.");
        return string.Join(" ", parts);
    }

    private static int Count(TaskCoding c) => c.Disagreed + c.Unreadable + c.NotCoded;

    private static string Tests(ReplicationResults r, ReportOptions o)
    {
        var level = Format.Level(o.ConfidenceLevel);
        var s = $"For each task we report the proportion of self-referential first actions with {level} Wilson and Clopper–Pearson intervals";
        var reference = r.Tasks.Where(t => t.Chance is null && t.Binomial is not null && t.Reference is not null).ToList();
        var chance = r.Tasks.Where(t => t.Chance is not null).ToList();
        var untested = r.Tasks.Where(t => t.N > 0 && t.Chance is null && t.Binomial is null).ToList();
        var tests = new List<string>();
        if (reference.Count > 0)
            tests.Add("a two-sided exact binomial test against the reference proportion (" + string.Join(", ", reference.Select(t => $"{t.Task} {Format.Prop(t.Reference!.Value)}")) + ") with Cohen's h");
        if (chance.Count > 0)
            tests.Add("an exact Poisson-binomial test against each participant's chance (" + string.Join(", ", chance.Select(t => t.Task)) + ")");
        s += tests.Count > 0 ? " and " + string.Join("; ", tests) : "";
        if (untested.Count > 0) s += $" ({string.Join(", ", untested.Select(t => t.Task))}: no reference proportion, not tested)";
        s += $"; α = {Format.Num(o.Alpha, "0.###")}.";
        if (r.Conditions.Count > 0)
        {
            var monteCarlo = r.Conditions.Where(c => c.Fisher.Method == FisherMethod.MonteCarlo).ToList();
            s += " Conditions were compared within each task with Fisher's exact test on the condition × outcome table" +
                (monteCarlo.Count == 0
                    ? " (exact p-values)"
                    : " (" + string.Join("; ", monteCarlo.Select(c => string.Create(CultureInfo.InvariantCulture,
                        $"{c.Task}: Monte Carlo p-value from {c.Fisher.Replicates:N0} random tables with the observed margins, seed {c.Fisher.Seed}, because the exact sum exceeded the work budget"))) +
                      (monteCarlo.Count < r.Conditions.Count ? "; exact otherwise" : "") + ")") +
                ", Pearson's χ² test without continuity correction, and differences in proportions from the first condition with Newcombe intervals.";
        }
        if (r.Tasks.Any(t => t.LatencyBySelfReference is not null))
            s += " Latencies of self-referential and other first actions were compared with the Mann–Whitney test (normal approximation with tie and continuity correction).";
        return s;
    }

    /// <summary>The Gallup figures, when a task is tested against one of them: an anecdote, never a citation.</summary>
    private static string? Gallup(ReplicationResults r, ReportOptions o)
    {
        var gallup = r.Tasks.Where(t => t.Chance is null && t.Reference is { } p0 && ReportOptions.GallupReferences.TryGetValue(t.Task, out var g) && g == p0).ToList();
        if (gallup.Count == 0) return null;
        return "The reference proportions are the Gallup figures, an anecdote rather than a published finding: of 500 students handed a pen, 96 % are said to have " +
            "written their own name first, and of 500 shown a map, 447 (89.4 %) to have looked for their home town first; no primary source has been located, " +
            "so they serve only as values to compare with.";
    }

    private static string Fisher(FisherExactTestResult f) => f.Method == FisherMethod.MonteCarlo
        ? string.Create(CultureInfo.InvariantCulture, $"Fisher's exact test, Monte Carlo {Format.PIs(f.PValue)} ({f.Replicates:N0} random tables, seed {f.Seed})")
        : $"Fisher's exact test {Format.PIs(f.PValue)}";

    private static string Missing(TaskResult t, string before, string after) => t.Missing.Count == 0 ? "" : before + MissingText(t) + after;

    private static string MissingText(TaskResult t) => string.Join(", ", t.Missing.Select(m => $"{m.Value} {m.Key}"));

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
