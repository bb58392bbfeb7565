using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Report;

/// <summary>
/// A version of the experiment file whose sessions the report pools.
/// </summary>
/// <param name="Hash">The version's content hash (as in the outcome table's version column).</param>
/// <param name="FirstServed">When the server first served it; null when only the outcome table is known.</param>
/// <param name="Sessions">Sessions of it in the analysis.</param>
/// <param name="TaskStepChanges">How its task steps differ from the first pooled version's ("pen: changed", "map: not in this version"); empty when they are the same.</param>
public sealed record PooledVersion(string Hash, DateTime? FirstServed, int Sessions, IReadOnlyList<string> TaskStepChanges)
{
    /// <summary>The versions of the analysed sessions, oldest first, each compared with the first in its task steps (ids, types, every parameter).</summary>
    public static IReadOnlyList<PooledVersion> Of(ExperimentHistory history, IEnumerable<Session> analysed)
    {
        var used = analysed.GroupBy(history.HashOf).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var pooled = history.Readable().Where(v => used.ContainsKey(v.Version.Hash)).ToList();
        if (pooled.Count == 0) return [];
        var first = ExperimentVersion.TaskSteps(pooled[0].Experiment);
        return pooled.Select(v =>
        {
            var steps = ExperimentVersion.TaskSteps(v.Experiment);
            var changes = first.Keys.Union(steps.Keys).Order(StringComparer.Ordinal).Select(id =>
                    !steps.TryGetValue(id, out var mine) ? $"{id}: not in this version"
                    : !first.TryGetValue(id, out var theirs) ? $"{id}: new in this version"
                    : mine != theirs ? $"{id}: changed" : null)
                .OfType<string>().ToList();
            return new PooledVersion(v.Version.Hash, v.Version.SeenAt, used[v.Version.Hash], changes);
        }).ToList();
    }

    /// <summary>The versions named in an outcome table, when nothing else is known of them.</summary>
    public static IReadOnlyList<PooledVersion> FromRows(IEnumerable<OutcomeRow> rows) =>
        rows.Where(r => r.Version.Length > 0).GroupBy(r => r.Version, StringComparer.Ordinal)
            .Select(g => new PooledVersion(g.Key, null, g.Select(r => r.Participant).Distinct().Count(), [])).ToList();
}

/// <summary>Sessions a researcher excluded, counted by the reason given.</summary>
public sealed record ExclusionCount(string Reason, int Sessions);

/// <summary>The report's account of its sample: the versions it pooled, pilot runs, exclusions.</summary>
internal static class SampleNotes
{
    public static IEnumerable<ReportBlock> Blocks(ReportOptions o)
    {
        var versions = o.Versions ?? [];
        if (versions.Count == 1)
            yield return new Paragraph($"All sessions ran on one version of the experiment file ({Short(versions[0].Hash)}{Since(versions[0])}).");
        else if (versions.Count > 1)
        {
            yield return new Paragraph($"The sessions ran on {versions.Count} versions of the experiment file, pooled here: " +
                string.Join("; ", versions.Select(v => $"{Short(v.Hash)}{Since(v)}, {v.Sessions} session(s)")) + ".");
            var differing = versions.Where(v => v.TaskStepChanges.Count > 0).ToList();
            if (differing.Count > 0)
                yield return new Note($"The pooled versions differ in their task steps, so their participants did not all do the same task: " +
                    string.Join("; ", differing.Select(v => $"{Short(v.Hash)} against {Short(versions[0].Hash)}: {string.Join(", ", v.TaskStepChanges)}")) +
                    ". Compare them with the version column of outcomes.csv before pooling.");
        }
        if (o.PilotsIncluded > 0)
            yield return new Note($"{o.PilotsIncluded} pilot run(s) (researchers' previews) are included, as asked for.");
        if (o.Exclusions is { Count: > 0 } exclusions)
        {
            var total = exclusions.Sum(e => e.Sessions);
            var reasons = string.Join("; ", exclusions.OrderByDescending(e => e.Sessions).ThenBy(e => e.Reason, StringComparer.Ordinal)
                .Select(e => $"{e.Reason} ({e.Sessions})"));
            yield return new Paragraph(o.ExcludedIncluded
                ? $"{total} session(s) excluded by a researcher are analysed anyway, as asked for. Reasons: {reasons}."
                : $"{total} session(s) excluded by a researcher are left out. Reasons: {reasons}.");
        }
    }

    private static string Short(string hash) => ExperimentVersion.ShortOf(hash);

    private static string Since(PooledVersion v) =>
        v.FirstServed is { } at ? string.Create(CultureInfo.InvariantCulture, $", first served {at:yyyy-MM-dd HH:mm} UTC") : "";
}
