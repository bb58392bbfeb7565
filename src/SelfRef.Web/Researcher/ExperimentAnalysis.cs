using System.Text.Json;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Web.Researcher;

/// <summary>Which sessions an analysis takes in besides the study's own: researchers' pilot runs, sessions excluded by a researcher.</summary>
public sealed record AnalysisChoice(bool IncludePilots = false, bool IncludeExcluded = false)
{
    public static readonly AnalysisChoice Default = new();

    public IEnumerable<Session> Of(IEnumerable<Session> sessions) =>
        sessions.Where(s => (IncludePilots || !s.Pilot) && (IncludeExcluded || s.Exclusion is null));
}

/// <summary>An experiment's outcome table and report settings, read from the store (for the analyze verb and the researcher pages).</summary>
public sealed record ExperimentAnalysis(IReadOnlyList<OutcomeRow> Rows, ReportOptions Options)
{
    /// <summary>
    /// The analysis of the experiment's sessions, each by the version it ran on: pilot runs and
    /// excluded sessions left out unless the choice takes them in (the report counts exclusions by
    /// reason, names the versions pooled and warns when their task steps differ).
    /// </summary>
    /// <param name="deidentified">rows as a de-identified export has them: no coordinates, no place names (the researcher pages' live report).</param>
    public static ExperimentAnalysis Of(ExperimentHistory history, IStore store, IServiceProvider? services = null, AnalysisChoice? choice = null, bool deidentified = false)
    {
        choice ??= AnalysisChoice.Default;
        var all = store.SessionsOf(history.Id);
        var study = all.Where(s => choice.IncludePilots || !s.Pilot).ToList();
        var sessions = choice.Of(all).ToList();
        var taken = sessions.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var codes = store.Codes(history.Id).Where(c => taken.Contains(c.SessionId));
        var rows = OutcomeDerivation.Rows(history, sessions, deidentified).ToList();
        var experiment = history.Latest;
        var options = new ReportOptions
        {
            ExperimentTitle = experiment.Title.In(experiment.Languages[0]),
            References = ReportOptions.ReferencesFor(experiment),
            Funnel = OutcomeDerivation.Funnel(history, sessions),
            Coding = CodingPairs(codes),
            CodingSummary = Summary(codes, rows, experiment.Privacy.Coders),
            CountryOutlines = CountryOutlines(services),
            Versions = PooledVersion.Of(history, sessions.Where(s => s.Status != SessionStatus.Declined)),
            Exclusions = study.Where(s => s.Exclusion is not null).GroupBy(s => s.Exclusion!.Reason, StringComparer.Ordinal)
                .Select(g => new ExclusionCount(g.Key, g.Count())).ToList(),
            ExcludedIncluded = choice.IncludeExcluded,
            PilotsIncluded = sessions.Count(s => s.Pilot),
            FirstActions = FirstActions(experiment),
            FileNotices = ExperimentRules.Notices(experiment).Select(n => $"step '{n.StepId}': {n.Message}").ToList(),
        };
        return new ExperimentAnalysis(rows, options);
    }

    public static ExperimentAnalysis Of(Experiment experiment, IStore store, IServiceProvider? services = null) =>
        Of(ExperimentHistory.Single(experiment), store, services);

    /// <summary>
    /// Natural Earth outlines the build copies to wwwroot/lib: through the host's web root when there is one,
    /// else (the analyze verb) beside the program when published, or in the folders of the build's static web assets manifest.
    /// </summary>
    private static string? CountryOutlines(IServiceProvider? services)
    {
        const string file = "lib/world-atlas/countries-110m.json";
        if ((services?.GetService(typeof(IWebHostEnvironment)) as IWebHostEnvironment)?.WebRootFileProvider.GetFileInfo(file) is { Exists: true, PhysicalPath: { } hosted })
            return hosted;
        var manifest = Path.Combine(AppContext.BaseDirectory, "SelfRef.Web.staticwebassets.runtime.json");
        var roots = File.Exists(manifest)
            ? JsonSerializer.Deserialize<StaticAssetRoots>(File.ReadAllText(manifest))?.ContentRoots ?? []
            : [];
        return roots.Prepend(Path.Combine(AppContext.BaseDirectory, "wwwroot")).Select(root => Path.Combine(root, file)).FirstOrDefault(File.Exists);
    }

    /// <summary>Each task's first action as the experiment's (first) step of that task defines it, parameters included.</summary>
    public static IReadOnlyDictionary<string, string> FirstActions(Experiment experiment) =>
        SelfRef.Stats.Preregistration.PlannedAnalyses.TaskSteps(experiment).ToDictionary(s => s.Task, s => s.Type.FirstAction(s.Step));

    private sealed record StaticAssetRoots(List<string> ContentRoots);

    /// <summary>How the hand-coded answers of the analysed sessions stand (null when nothing is coded by hand).</summary>
    public static CodingSummary? Summary(IEnumerable<CoderCode> codes, IReadOnlyList<OutcomeRow> rows, int required)
    {
        var answers = codes.GroupBy(c => (c.SessionId, c.StepId)).Select(g => CodeConsensus.Of(g, required)).ToList();
        var notCoded = rows.Count(r => r.MissingReason == "not coded");
        if (answers.Count == 0 && notCoded == 0) return null;
        return new CodingSummary(
            required,
            answers.Where(a => a.Coders > 0).GroupBy(a => a.Coders).OrderBy(g => g.Key).Select(g => new CoderCount(g.Key, g.Count())).ToList(),
            answers.Count(a => a.State == CodingState.Agreed),
            answers.Count(a => a.State == CodingState.Adjudicated),
            answers.Count(a => a.State == CodingState.Disagree),
            answers.Count(a => a.State == CodingState.Waiting),
            notCoded);
    }

    /// <summary>Answers coded by at least two coders: the first two (by name) make the pair kappa is computed from.</summary>
    public static IReadOnlyList<CodingPair> CodingPairs(IEnumerable<CoderCode> codes) =>
        codes.ByCoders().GroupBy(c => (c.SessionId, c.StepId))
            .Select(g => g.OrderBy(c => c.Coder, StringComparer.Ordinal).ToList())
            .Where(g => g.Count >= 2)
            .Select(g => new CodingPair($"{g[0].SessionId}/{g[0].StepId}", g[0].Value.Words(), g[1].Value.Words()))
            .ToList();
}
