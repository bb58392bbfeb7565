using System.Text.Json;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Storage;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Web.Researcher;

/// <summary>An experiment's outcome table and report settings, read from the store (for the analyze verb and the researcher pages).</summary>
public sealed record ExperimentAnalysis(IReadOnlyList<OutcomeRow> Rows, ReportOptions Options)
{
    public static ExperimentAnalysis Of(Experiment experiment, IStore store, IServiceProvider? services = null)
    {
        var sessions = store.SessionsOf(experiment.Id);
        var codes = store.Codes(experiment.Id);
        var rows = OutcomeDerivation.Rows(experiment, sessions).ToList();
        var references = new Dictionary<string, double>(ReportOptions.GallupReferences);
        foreach (var (task, value) in experiment.References) references[task] = value;
        var options = new ReportOptions
        {
            ExperimentTitle = experiment.Title.In(experiment.Languages[0].Code()),
            References = references,
            Funnel = OutcomeDerivation.Funnel(experiment, sessions),
            Coding = CodingPairs(codes),
            CountryOutlines = CountryOutlines(services),
        };
        return new ExperimentAnalysis(rows, options);
    }

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

    private sealed record StaticAssetRoots(List<string> ContentRoots);

    /// <summary>Answers coded by at least two coders: the first two (by name) make the pair kappa is computed from.</summary>
    public static IReadOnlyList<CodingPair> CodingPairs(IEnumerable<CoderCode> codes) =>
        codes.GroupBy(c => (c.SessionId, c.StepId))
            .Select(g => g.OrderBy(c => c.Coder, StringComparer.Ordinal).ToList())
            .Where(g => g.Count >= 2)
            .Select(g => new CodingPair($"{g[0].SessionId}/{g[0].StepId}", g[0].Value.ToString(), g[1].Value.ToString()))
            .ToList();
}
