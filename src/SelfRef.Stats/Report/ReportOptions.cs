using SelfRef.Stats.Estimators;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>What the replication report compares against and how it is labelled.</summary>
public sealed record ReportOptions
{
    /// <summary>The reference proportion each task type declares (the Gallup figures: 96 % of 500 wrote their own name, 447 of 500 looked for their home town).</summary>
    public static readonly IReadOnlyDictionary<string, double> GallupReferences =
        SelfRef.Core.Experiments.StepTypes.Tasks.Where(t => t.ReferenceProportion is not null).ToDictionary(t => t.Name, t => t.ReferenceProportion!.Value);

    public IReadOnlyDictionary<string, double> References { get; init; } = GallupReferences;

    /// <summary>The references an experiment's report tests against: the task types' own, replaced by the file's "references".</summary>
    public static IReadOnlyDictionary<string, double> ReferencesFor(SelfRef.Core.Experiments.Experiment experiment)
    {
        var references = new Dictionary<string, double>(GallupReferences);
        foreach (var (task, value) in experiment.References) references[task] = value;
        return references;
    }

    /// <summary>
    /// The outcome column with each participant's chance of a self-referential first action, per task type: the column
    /// a registered task declares with the role Chance (OutcomeColumnRole.Chance), e.g. the name-letter task's.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DeclaredChanceColumns =
        SelfRef.Core.Experiments.StepTypes.Tasks
            .SelectMany(t => t.Columns.Where(c => c.Role == SelfRef.Core.Tasks.OutcomeColumnRole.Chance).Take(1).Select(c => (Task: t.Name, Column: c.Name)))
            .ToDictionary(t => t.Task, t => t.Column);

    /// <summary>
    /// A task listed here whose rows carry a value in the named column is tested against the exact Poisson-binomial
    /// distribution of those chances (observed self-referential first actions against the count expected by chance)
    /// instead of against a reference proportion. By default the registered tasks' declared chance columns; an outcome
    /// table of a task this program does not know can name its column here.
    /// </summary>
    public IReadOnlyDictionary<string, string> ChanceColumns { get; init; } = DeclaredChanceColumns;

    public string ExperimentTitle { get; init; } = "Self-reference replication";
    public double Alpha { get; init; } = 0.05;
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Differences from the reference for which the power table gives the n needed.</summary>
    public IReadOnlyList<double> PowerDifferences { get; init; } = [-0.20, -0.15, -0.10, -0.05, 0.03];

    /// <summary>For a task tested against chance: differences above the mean chance for which the power table gives the n needed.</summary>
    public IReadOnlyList<double> ChancePowerDifferences { get; init; } = [0.03, 0.05, 0.10, 0.15, 0.20];

    public double TargetPower { get; init; } = 0.8;

    /// <summary>
    /// Fisher's test between conditions: exact unless the table is too large to sum (many levels and
    /// many participants); then a Monte Carlo p-value from this many random tables with this seed.
    /// </summary>
    public FisherExactTestOptions Fisher { get; init; } = FisherExactTestOptions.Default;

    /// <summary>Radius within which a map target counts as the home town; drawn on the distance histogram.</summary>
    public double MatchRadiusKm { get; init; } = 25;

    /// <summary>
    /// Country outlines for the map of first targets: a TopoJSON file (Natural Earth's
    /// <c>world-atlas</c> countries-110m.json). Without it, or without map rows that have
    /// coordinates, that figure is left out.
    /// </summary>
    public string? CountryOutlines { get; init; }

    /// <summary>Funnel counts from the server (started, consented, each step, completed); derived from the outcomes when null.</summary>
    public IReadOnlyList<FunnelStage>? Funnel { get; init; }

    /// <summary>Double-coded answers for Cohen's kappa; the kappa section is left out when null or empty.</summary>
    public IReadOnlyList<CodingPair>? Coding { get; init; }

    /// <summary>How hand-coded answers were coded and made final; its section is left out when null.</summary>
    public CodingSummary? CodingSummary { get; init; }

    /// <summary>The versions of the experiment file the outcomes come from; named from the outcome rows when null.</summary>
    public IReadOnlyList<PooledVersion>? Versions { get; init; }

    /// <summary>Sessions a researcher excluded, by reason: counted in the report (left out of the outcomes unless <see cref="ExcludedIncluded"/>).</summary>
    public IReadOnlyList<ExclusionCount>? Exclusions { get; init; }

    /// <summary>Whether the excluded sessions are in the outcomes anyway (asked for).</summary>
    public bool ExcludedIncluded { get; init; }

    /// <summary>Pilot runs among the outcomes (asked for); the report says so.</summary>
    public int PilotsIncluded { get; init; }

    /// <summary>
    /// Per task: what its first action is, with the experiment's step parameters (TaskType.FirstAction of the step), for the methods
    /// paragraph; a task not listed is described by its rule in general (an outcome table alone does not know the steps).
    /// </summary>
    public IReadOnlyDictionary<string, string>? FirstActions { get; init; }

    /// <summary>The study's preregistration (analyze --prereg): the report names every deviation from it.</summary>
    public Preregistration.PreregistrationPlan? Preregistration { get; init; }

    /// <summary>The program and its version as the methods paragraph cites them; the running build's by default.</summary>
    public string Software { get; init; } = SoftwareVersion.Current;

    /// <summary>Deliberate departures the experiment file declares, one line each (e.g. "step 'pen-control': names are allowed in this pen instruction: positive control"); the report lists them.</summary>
    public IReadOnlyList<string>? FileNotices { get; init; }

    /// <summary>Fixed timestamp for reproducible output (tests); the current UTC time when null.</summary>
    public DateTimeOffset? GeneratedAt { get; init; }
}
