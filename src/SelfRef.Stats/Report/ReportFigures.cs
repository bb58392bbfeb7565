using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>The report's figures; a figure without data to show is left out rather than drawn empty.</summary>
public static class ReportFigures
{
    /// <param name="outcomes">The rows the results were computed from; the map of first targets needs their coordinates.</param>
    public static IReadOnlyList<Figure> Create(ReplicationResults results, ReportOptions options, IReadOnlyList<OutcomeRow>? outcomes = null)
    {
        var figures = new List<Figure>();
        if (results.Tasks.Any(t => t.N > 0)) figures.Add(ReplicationBarsFigure.Create(results.Tasks));
        if (results.LatencyGroups.Count > 0) figures.Add(LatencyEcdfFigure.Create(results.LatencyGroups));
        if (results.DistancesKm.Count > 0) figures.Add(DistanceHistogramFigure.Create(results.DistancesKm, options.MatchRadiusKm));
        // The outlines first: without them no map is drawn, so the rows need not be searched for coordinates.
        if (options.CountryOutlines is { } outlines && File.Exists(outlines) && outcomes is not null && FirstTargetMapFigure.Points(outcomes).Count > 0)
            figures.Add(FirstTargetMapFigure.Create(outcomes, TopoJson.ReadRings(outlines), options.MatchRadiusKm));
        if (results.Conditions.Count > 0) figures.Add(ConditionComparisonFigure.Create(results.Conditions));
        // A breakdown is drawn when some task has rows of two or more values: one bar alone compares nothing.
        foreach (var breakdown in results.Breakdowns.Where(b => b.Tasks.Any(t => t.Levels.Count > 1)))
            figures.Add(BreakdownFigure.Create(breakdown));
        if (results.Funnel.Count > 0) figures.Add(CompletionFunnelFigure.Create(results.Funnel));
        return figures;
    }
}
