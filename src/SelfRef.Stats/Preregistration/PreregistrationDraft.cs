using System.Globalization;
using System.Text;
using SelfRef.Core.Experiments;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Preregistration;

/// <summary>What a preregistration draft is written from besides the experiment file.</summary>
/// <param name="Version">The experiment file's content hash (its version).</param>
/// <param name="DataCollected">Question 1 answered from the database: sessions already stored (null: none / no database).</param>
/// <param name="ExclusionReasons">Reasons for which a researcher will exclude a session, declared in advance.</param>
public sealed record PreregistrationInput(
    Experiment Experiment, string Version, DateTimeOffset WrittenAt, int? DataCollected = null,
    IReadOnlyList<string>? ExclusionReasons = null, ReportOptions? Report = null);

/// <summary>
/// A preregistration draft in Markdown, in the order of AsPredicted's eight questions, from an experiment file and
/// the report's settings: the hypothesis against the reference each task declares, the dependent variable as the task
/// modules define the first action, the conditions, the analyses exactly as analyze runs them, the exclusion rules,
/// and the planned n with its power. It ends with the plan as a machine-readable block (<see cref="PreregistrationPlan"/>).
/// </summary>
public static class PreregistrationDraft
{
    public static readonly IReadOnlyList<string> Questions =
    [
        "1) Have any data been collected for this study already?",
        "2) What's the main question being asked or hypothesis being tested in this study?",
        "3) Describe the key dependent variable(s) specifying how they will be measured.",
        "4) How many and which conditions will participants be assigned to?",
        "5) Specify exactly which analyses you will conduct to examine the main question/hypothesis.",
        "6) Describe exactly how outliers will be defined and handled, and your precise rule(s) for excluding observations.",
        "7) How many observations will be collected or what will determine sample size?",
        "8) Anything else you would like to pre-register?",
    ];

    public static (string Markdown, PreregistrationPlan Plan) Write(PreregistrationInput input)
    {
        var e = input.Experiment;
        var o = input.Report ?? new ReportOptions();
        var references = ReportOptions.ReferencesFor(e);
        var steps = PlannedAnalyses.TaskSteps(e);
        var tested = steps.Where(s => !ReportOptions.DeclaredChanceColumns.ContainsKey(s.Task) && references.ContainsKey(s.Task))
            .ToDictionary(s => s.Task, s => references[s.Task]);
        var plan = new PreregistrationPlan(
            e.Id, input.Version, input.WrittenAt, o.Software, e.TargetSampleSize, o.Alpha, o.ConfidenceLevel, o.TargetPower,
            tested, e.EffectiveConditions.Select(c => c.Id).ToList(), PlannedAnalyses.Of(e, references),
            (input.ExclusionReasons ?? []).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList());

        var level = Format.Level(o.ConfidenceLevel);
        var alpha = Format.Num(o.Alpha, "0.###");
        var md = new StringBuilder();
        md.AppendLine($"# Preregistration draft: {e.Title.In(e.Languages[0])} (experiment \"{e.Id}\")").AppendLine();
        md.AppendLine($"Written {input.WrittenAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {o.Software} from version " +
            $"{ExperimentVersion.ShortOf(input.Version)} of the experiment file, in the order of AsPredicted's questions. Edit the wording as you like; " +
            "keep the block at the end: `analyze --prereg` reads the planned values from it and the report names every deviation.").AppendLine();

        Section(md, 0, input.DataCollected is > 0
            ? $"Yes: the database already holds {input.DataCollected} session(s) of this experiment (researchers' pilot runs not counted). Say whether anyone has looked at them."
            : "No. No session of this experiment is stored yet (researchers' pilot runs not counted).");

        Section(md, 1, string.Join("\n\n", steps.Select(s => ReportOptions.DeclaredChanceColumns.ContainsKey(s.Task)
            ? $"{Cap(s.Task)} task: participants' first action is self-referential more often than each participant's chance alone predicts."
            : tested.TryGetValue(s.Task, out var p0)
                ? $"{Cap(s.Task)} task: the proportion of participants whose first action is self-referential differs (two-sided) from the reference proportion {Format.Prop(p0)}" +
                  (ReportOptions.GallupReferences.TryGetValue(s.Task, out var g) && g == p0 ? " (the Gallup figure; an anecdote without a located primary source, used only as a value to compare with)." : ".")
                : $"{Cap(s.Task)} task: no reference proportion; the proportion of self-referential first actions is estimated, not tested.")));

        Section(md, 2, "Whether the participant's first action in each task is self-referential (yes/no), as the task defines it; secondary: the latency from the task's first appearance to the first action (ms).\n\n" +
            string.Join("\n\n", steps.Select(s => $"{Cap(s.Task)} task (step \"{s.Step.Id}\"). {s.Type.FirstAction(s.Step)}")));

        var conditions = e.EffectiveConditions;
        Section(md, 3, conditions.Count == 1
            ? "One condition: no between-subject manipulation." + (conditions[0].Order is { } single ? $" Step order: {string.Join(" → ", single)}." : "")
            : $"{conditions.Count} between-subject conditions, assigned in balanced blocks by a seeded randomisation (seed {e.Assignment.Seed}):\n\n" +
              string.Join("\n", conditions.Select(c => $"- {c.Id}: " + string.Join(" → ", ExperimentFlow.StepsFor(e, c).Select(s => s.Id)))));

        var analyses = new StringBuilder();
        analyses.Append($"All tests two-sided unless stated, α = {alpha}; proportions with {level} Wilson and Clopper–Pearson intervals. As `analyze` runs them:\n\n");
        analyses.Append(string.Join("\n", plan.Analyses.Select(a => "- " + a)));
        if (e.EffectiveConditions.Count > 1)
            analyses.Append(string.Create(CultureInfo.InvariantCulture,
                $"\n\nFisher's test is exact (network algorithm) unless the exact sum exceeds a work budget of {o.Fisher.ExactTableBudget:N0} steps; then its p-value is a Monte Carlo estimate from ") +
                string.Create(CultureInfo.InvariantCulture, $"{o.Fisher.Replicates:N0} random tables with the observed margins (seed {o.Fisher.Seed}), reported with its standard error."));
        var distance = steps.Where(s => s.Type.Columns.Any(c => c.Role == Core.Tasks.OutcomeColumnRole.DistanceKm)).Select(s => s.Task).ToList();
        analyses.Append("\n\nDescriptive only (no test): the outcome by device class, pointer type and language; the completion funnel" +
            (distance.Count > 0 ? $"; the distance from the first target to the home town ({string.Join(", ", distance)})." : "."));
        Section(md, 4, analyses.ToString());

        var exclusions = new StringBuilder();
        exclusions.Append("No outliers are removed: the outcome is binary, and latencies are compared by ranks (Mann–Whitney).\n\n");
        exclusions.Append("- Researchers' pilot runs (preview links) are never analysed.\n");
        exclusions.Append("- Participants who decline consent have no data.\n");
        exclusions.Append("- A participant counts once per task: if an outcome table repeats a participant and task, the first row is kept.\n");
        exclusions.Append("- A participant whose first action in a task cannot be classified is left out of that task's n and counted by reason " +
            "(no action, no target, not coded, coders disagree, unreadable, no name given, no home town given, not reached, …).\n");
        exclusions.Append(plan.ExclusionReasons.Count == 0
            ? "- No other exclusion is planned. A session a researcher excludes later (with a reason) is reported as a deviation."
            : "- A researcher excludes a session (recording the reason) only for these reasons: " + string.Join("; ", plan.ExclusionReasons.Select(r => $"\"{r}\"")) +
              ". Any other reason is reported as a deviation.");
        Section(md, 5, exclusions.ToString());

        Section(md, 6, SampleSize(e, steps, tested, o));

        Section(md, 7, $"Software: {o.Software}. The outcome table, results.json and the report are produced by `analyze --experiment {e.Id} --prereg <this file>`; " +
            "the report lists every deviation from this plan (sample size reached, analyses added or not run, exclusions, a changed experiment file).");

        md.AppendLine(plan.ToBlock());
        return (md.ToString(), plan);
    }

    private static string SampleSize(Experiment e, IReadOnlyList<(string Task, Core.Tasks.TaskType Type, Step Step)> steps, IReadOnlyDictionary<string, double> tested, ReportOptions o)
    {
        var n = e.TargetSampleSize;
        var sb = new StringBuilder();
        sb.Append($"{n} completed participants (the experiment file's targetSampleSize); the study stops taking participants once {n} have completed. ");
        sb.Append($"Justification: power of the two-sided exact binomial test (α = {Format.Num(o.Alpha, "0.###")}) against each task's reference, " +
                  $"computed exactly from the binomial distribution; \"n needed\" is the smallest n reaching {Format.Level(o.TargetPower)} power.\n");
        foreach (var (task, p0) in tested)
        {
            sb.Append($"\n{Cap(task)} task, reference {Format.Prop(p0)}:\n\n");
            sb.Append("| true proportion | difference | Cohen's h | n needed | power at the planned n |\n| --- | --- | --- | --- | --- |\n");
            foreach (var row in ExactBinomialPower.Table(p0, o.PowerDifferences, o.Alpha, o.TargetPower))
                sb.Append($"| {Format.Prop(row.P1)} | {Format.Signed(row.P1 - row.P0)} | {Format.Signed(row.CohensH)} | " +
                          $"{row.N?.ToString(CultureInfo.InvariantCulture) ?? $"> {row.MaxN}"} | {Format.Num(ExactBinomialPower.PowerAt(n, row.P0, row.P1, o.Alpha), "0.000")} |\n");
        }
        foreach (var (task, _, _) in steps.Where(s => !tested.ContainsKey(s.Task)))
            sb.Append($"\n{Cap(task)} task: " + (ReportOptions.DeclaredChanceColumns.ContainsKey(task)
                ? "tested against each participant's chance, which is known only once they have answered; the report's power table then uses their mean chance."
                : "not tested (no reference), so no power is computed.") + "\n");
        return sb.ToString();
    }

    private static void Section(StringBuilder md, int question, string answer) =>
        md.AppendLine($"## {Questions[question]}").AppendLine().AppendLine(answer.TrimEnd()).AppendLine();

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
