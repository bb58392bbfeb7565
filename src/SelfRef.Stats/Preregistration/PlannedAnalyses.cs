using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Preregistration;

/// <summary>
/// The analyses of a study, each named by one sentence: as an experiment file plans them (what analyze will
/// run on its data) and as a finished report ran them. Both sides name them here, with the same words, so a
/// preregistration and a report compare by name: one ran but not planned is an analysis added.
/// </summary>
public static class PlannedAnalyses
{
    public static string Reference(string task, double p0) =>
        string.Create(CultureInfo.InvariantCulture, $"{task}: two-sided exact binomial test of the proportion of self-referential first actions against the reference proportion {p0:0.000}, with Cohen's h");

    public static string Chance(string task) =>
        $"{task}: exact Poisson-binomial test of the count of self-referential first actions against each participant's chance (one- and two-sided)";

    public static string Conditions(string task) =>
        $"{task}: Fisher's exact test between conditions (Monte Carlo only when the exact sum exceeds its work budget), Pearson's χ² and Newcombe intervals of the differences";

    public static string Latency(string task) =>
        $"{task}: Mann–Whitney test of latency to the first action, self-referential against other first actions";

    public const string Kappa = "Cohen's κ between the first two coders of each double-coded answer";

    /// <summary>What analyze will run on this experiment's data, with the report's reference proportions.</summary>
    /// <param name="references">Task → reference proportion (the experiment's own, else the task type's).</param>
    public static IReadOnlyList<string> Of(Experiment experiment, IReadOnlyDictionary<string, double> references)
    {
        var analyses = new List<string>();
        var steps = TaskSteps(experiment);
        foreach (var (task, _, _) in steps)
        {
            if (ReportOptions.DeclaredChanceColumns.ContainsKey(task)) analyses.Add(Chance(task));
            else if (references.TryGetValue(task, out var p0)) analyses.Add(Reference(task, p0));
            if (experiment.EffectiveConditions.Count > 1) analyses.Add(Conditions(task));
            analyses.Add(Latency(task));
        }
        if (steps.Any(s => s.Type.NeedsCoding(s.Step))) analyses.Add(Kappa);
        return analyses;
    }

    /// <summary>What a report ran (an analysis is run when it produced a result).</summary>
    public static IReadOnlyList<string> Of(ReplicationResults r)
    {
        var analyses = new List<string>();
        foreach (var t in r.Tasks)
        {
            if (t.Chance is not null) analyses.Add(Chance(t.Task));
            else if (t is { Binomial: not null, Reference: { } p0 }) analyses.Add(Reference(t.Task, p0));
            if (r.Conditions.Any(c => c.Task == t.Task)) analyses.Add(Conditions(t.Task));
            if (t.LatencyBySelfReference is not null) analyses.Add(Latency(t.Task));
        }
        if (r.Kappa is not null) analyses.Add(Kappa);
        return analyses;
    }

    /// <summary>The experiment's task steps, one per task type (the first), in file order.</summary>
    public static IReadOnlyList<(string Task, Core.Tasks.TaskType Type, Step Step)> TaskSteps(Experiment experiment) =>
        experiment.Steps.Select(s => (Step: s, Type: StepTypes.TaskOf(s))).Where(s => s.Type is not null)
            .DistinctBy(s => s.Type!.Name).Select(s => (s.Type!.Name, s.Type!, s.Step)).ToList();
}
