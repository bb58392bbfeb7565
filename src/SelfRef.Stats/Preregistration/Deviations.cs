using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Preregistration;

/// <summary>How a finished study compares with its preregistration: the sample reached, and every deviation, each one sentence.</summary>
/// <param name="Reached">Completed participants among those analysed.</param>
public sealed record Deviations(PreregistrationPlan Plan, int Reached, int Analysed, IReadOnlyList<string> Items)
{
    public static Deviations Of(PreregistrationPlan plan, ReplicationResults r, ReportOptions o)
    {
        var items = new List<string>();
        var ids = r.Tidy.Experiments;
        if (ids.Count > 0 && !ids.Contains(plan.ExperimentId, StringComparer.Ordinal))
            items.Add($"The data are of experiment {string.Join(", ", ids.Select(i => $"\"{i}\""))}; the preregistration is of \"{plan.ExperimentId}\".");

        var reached = r.Tidy.CompletedParticipants;
        if (reached < plan.PlannedN)
            items.Add($"Sample size: {reached} completed participants reached, {plan.PlannedN} planned ({plan.PlannedN - reached} short, {Format.Percent(reached / (double)plan.PlannedN)} of the plan).");
        else if (reached > plan.PlannedN)
            items.Add($"Sample size: {reached} completed participants reached, more than the {plan.PlannedN} planned.");

        var ran = PlannedAnalyses.Of(r);
        foreach (var added in ran.Except(plan.Analyses, StringComparer.Ordinal))
            items.Add($"Analysis added (not preregistered): {added}.");
        foreach (var dropped in plan.Analyses.Except(ran, StringComparer.Ordinal))
            items.Add(dropped == PlannedAnalyses.Kappa && o.Coding is null
                ? $"Preregistered analysis not run (an outcome table alone does not hold each coder's codes; analyze --experiment computes it): {dropped}."
                : $"Preregistered analysis not run (the data do not allow it): {dropped}.");
        if (o.Alpha != plan.Alpha)
            items.Add($"Significance level α = {Format.Num(o.Alpha, "0.###")}, preregistered {Format.Num(plan.Alpha, "0.###")}.");
        if (o.ConfidenceLevel != plan.ConfidenceLevel)
            items.Add($"Confidence level {Format.Level(o.ConfidenceLevel)}, preregistered {Format.Level(plan.ConfidenceLevel)}.");

        var declared = plan.ExclusionReasons.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var e in (o.Exclusions ?? []).Where(e => !declared.Contains(e.Reason.Trim())).OrderByDescending(e => e.Sessions).ThenBy(e => e.Reason, StringComparer.Ordinal))
            items.Add($"Exclusion not preregistered: {e.Sessions} session{(e.Sessions == 1 ? "" : "s")} excluded by a researcher for \"{e.Reason}\"{(o.ExcludedIncluded ? " (analysed anyway, as asked for)" : "")}.");
        if (o.ExcludedIncluded && o.Exclusions is { Count: > 0 })
            items.Add("Sessions excluded by a researcher are analysed (--include-excluded); the preregistration leaves them out.");
        if (o.PilotsIncluded > 0)
            items.Add($"{o.PilotsIncluded} researchers' pilot run{(o.PilotsIncluded == 1 ? " is" : "s are")} analysed (--include-pilot); the preregistration leaves them out.");

        var other = (o.Versions ?? []).Where(v => v.Hash != plan.Version).ToList();
        if (other.Count > 0)
            items.Add($"The experiment file changed after the preregistration: {other.Sum(v => v.Sessions)} session(s) ran on version{(other.Count == 1 ? "" : "s")} " +
                $"{string.Join(", ", other.Select(v => ExperimentVersion.ShortOf(v.Hash)))}, the preregistration was written from {ExperimentVersion.ShortOf(plan.Version)}.");
        return new Deviations(plan, reached, r.Participants, items);
    }

    /// <summary>One sentence for the methods paragraph.</summary>
    public string Sentence() =>
        $"The study was preregistered on {Plan.WrittenAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (planned n = {Plan.PlannedN} completed participants; reached {Reached}); " +
        (Items.Count == 0 ? "the analysis follows it without deviation." : $"{Items.Count} deviation{(Items.Count == 1 ? " is" : "s are")} listed in the report's section on the preregistration.");
}
