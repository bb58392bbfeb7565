using System.Text.Json;
using System.Text.Json.Serialization;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>
/// results.json: every number at full precision, snake_case, for R (jsonlite) and pandas.
/// Values that are not defined (NaN, an infinite odds ratio) are written as null.
/// </summary>
public static class ResultsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <param name="DuplicateRowsLeftOut">Rows that repeated a participant and task and were left out (the first row of each pair is counted).</param>
    public sealed record Document(
        string Title, DateTimeOffset GeneratedAt, double Alpha, double ConfidenceLevel, int Participants,
        string ReferenceNote, IReadOnlyList<TaskJson> Tasks, IReadOnlyList<ConditionJson> Conditions,
        IReadOnlyList<PowerJson> Power, KappaJson? Kappa, IReadOnlyList<FunnelJson> Funnel, DistanceJson? Distance,
        int DuplicateRowsLeftOut)
    {
        /// <summary>The methods and results paragraphs of the report, as printed there.</summary>
        public IReadOnlyList<string> MethodsAndResults { get; init; } = [];

        /// <summary>Each task's classified rows by device class, pointer type and language.</summary>
        public IReadOnlyList<BreakdownJson> Breakdowns { get; init; } = [];

        /// <summary>Human coding per task, as the outcome rows record it.</summary>
        public IReadOnlyList<CodingJson> Coding { get; init; } = [];
    }

    /// <param name="Dimension">"device", "pointer type" or "language".</param>
    /// <param name="Value">The recorded value, lower case; "unknown" when not recorded.</param>
    public sealed record BreakdownJson(string Dimension, string Column, string Task, string Value, int N, int K, double Proportion, double WilsonLow, double WilsonHigh);

    /// <param name="CodersPerAnswer">Number of coders (as text, a JSON key) → answers coded by that many.</param>
    public sealed record CodingJson(string Task, IReadOnlyDictionary<string, int> CodersPerAnswer, int Disagreed, int Unreadable, int NotCoded);

    /// <param name="TestedAgainst">"reference" (exact binomial test), "chance" (exact Poisson-binomial test, see <paramref name="Chance"/>) or null (no test).</param>
    /// <param name="BinomialP">Against the reference; null when tested against chance.</param>
    /// <param name="CohensH">Against the reference; null when tested against chance.</param>
    /// <param name="Proportion">Null (as the intervals) when the task has no classified row (n = 0); <paramref name="Missing"/> says why.</param>
    /// <param name="LatencyN">Classified rows with a latency (the latency summary's n).</param>
    /// <param name="LatencyUnclassified">Rows with a latency but no classification, not in the latency summary.</param>
    public sealed record TaskJson(
        string Task, int N, int K, double? Proportion, double? Reference,
        double? WilsonLow, double? WilsonHigh, double? CpLow, double? CpHigh,
        double? BinomialP, double? CohensH, string? CohensHMagnitude,
        int LatencyN, double? LatencyMedianMs, double? LatencyQ1Ms, double? LatencyQ3Ms, double? LatencyIqrMs,
        double? LatencyMannWhitneyW, double? LatencyMannWhitneyP, IReadOnlyDictionary<string, int> Missing,
        string? TestedAgainst, ChanceJson? Chance, int LatencyUnclassified);

    /// <summary>The exact Poisson-binomial test of a task whose chance differs per participant.</summary>
    /// <param name="N">Classified rows with a chance value (the test's n).</param>
    /// <param name="Expected">Σ chance: the count expected by chance alone.</param>
    /// <param name="PGreater">One-sided: P(count ≥ K) under chance.</param>
    /// <param name="PTwoSided">Two-sided by R's binom.test rule on the Poisson-binomial distribution.</param>
    /// <param name="Difference">Observed minus expected proportion, with the Wilson interval of K/N shifted by the mean chance.</param>
    /// <param name="WithoutChance">Classified rows without a chance value, left out of this test.</param>
    public sealed record ChanceJson(
        string Test, int N, int K, double Expected, double MeanChance, double Proportion, double PGreater, double PTwoSided,
        double Difference, double DifferenceLow, double DifferenceHigh, double Level, double CohensH, string CohensHMagnitude, int WithoutChance);

    public sealed record LevelJson(string Level, int N, int K, double Proportion, double WilsonLow, double WilsonHigh);

    public sealed record DifferenceJson(string Level, string ComparedWith, double Difference, double Low, double High);

    /// <param name="FisherMethod">"exact", or "monte-carlo" when the table was too large to sum (as R's fisher.test(simulate.p.value = TRUE)).</param>
    /// <param name="FisherReplicates">Monte Carlo: random tables drawn (R's B); null when exact.</param>
    /// <param name="FisherSeed">Monte Carlo: seed of the random tables; null when exact.</param>
    /// <param name="FisherSe">Monte Carlo: standard error of the p-value, √(p(1 − p)/B); null when exact.</param>
    /// <param name="OddsRatioVsFirst">
    /// Two levels only: conditional MLE odds ratio of the second level against the first (the direction of the
    /// differences; R's fisher.test on the table with levels as columns gives its reciprocal).
    /// </param>
    public sealed record ConditionJson(
        string Task, IReadOnlyList<string> Levels, IReadOnlyList<LevelJson> Counts,
        double FisherP, string FisherMethod, int? FisherReplicates, int? FisherSeed, double? FisherSe, double? OddsRatioVsFirst, double? Chisq, int ChisqDf, double? ChisqP, string? ChisqWarning,
        IReadOnlyList<DifferenceJson> Differences);

    /// <param name="Against">"reference", or "mean chance" (a task tested against each participant's chance: the exact binomial test at the mean chance stands in).</param>
    public sealed record PowerJson(string Task, double Reference, double TrueProportion, double Difference, double CohensH, int? N, double? Power, double Alpha, double TargetPower, string Against);

    public sealed record KappaJson(int N, IReadOnlyList<string> Categories, double? Kappa, double? Se, double? Low, double? High, double? Se0, double? Z, double? P, double ObservedAgreement, double ExpectedAgreement, string SeMethod);

    public sealed record FunnelJson(string Stage, int Count);

    public sealed record DistanceJson(int N, double? MedianKm, int WithinRadius, double RadiusKm);

    public static Document Create(ReplicationResults r, ReportOptions o, DateTimeOffset generatedAt) => new(
        o.ExperimentTitle, generatedAt, o.Alpha, o.ConfidenceLevel, r.Participants, ReportContent.ReferenceNote,
        r.Tasks.Select(t => new TaskJson(
            t.Task, t.N, t.K, F(t.Proportion), t.Reference,
            F(t.Wilson.Low), F(t.Wilson.High), F(t.ClopperPearson.Low), F(t.ClopperPearson.High),
            t.Binomial?.PValue, t.CohensH?.H, t.CohensH?.Magnitude,
            t.Latency.N, F(t.Latency.Median), F(t.Latency.Q1), F(t.Latency.Q3), F(t.Latency.Iqr),
            t.LatencyBySelfReference?.W, F(t.LatencyBySelfReference?.PValue), t.Missing,
            t.Chance is not null ? "chance" : t.Binomial is not null ? "reference" : null,
            t.Chance is { } c
                ? new ChanceJson(ChanceTest, c.N, c.K, c.Expected, c.MeanChance, c.Proportion, c.PGreater, c.PTwoSided,
                    c.Difference, c.DifferenceLow, c.DifferenceHigh, c.Level, c.CohensH.H, c.CohensH.Magnitude, t.WithoutChance)
                : null,
            t.LatencyUnclassified)).ToList(),
        r.Conditions.Select(c => new ConditionJson(
            c.Task, c.Levels.Select(l => l.Level).ToList(),
            c.Levels.Select(l => new LevelJson(l.Level, l.N, l.K, l.Wilson.Estimate, l.Wilson.Low, l.Wilson.High)).ToList(),
            c.Fisher.PValue, MethodName(c.Fisher.Method), c.Fisher.Method == FisherMethod.MonteCarlo ? c.Fisher.Replicates : null, c.Fisher.Seed, c.Fisher.StandardError,
            F(c.OddsRatioVsFirst), F(c.ChiSquare.Statistic), c.ChiSquare.DegreesOfFreedom, F(c.ChiSquare.PValue), c.ChiSquare.Warning,
            c.DifferencesFromFirst.Select((d, i) => new DifferenceJson(c.Levels[i + 1].Level, c.Levels[0].Level, d.Difference, d.Low, d.High)).ToList())).ToList(),
        r.Power.SelectMany(p => p.Rows.Select(row => new PowerJson(p.Task, p.Reference, row.P1, row.P1 - row.P0, row.CohensH, row.N, F(row.Power), row.Alpha, row.TargetPower,
            p.AgainstMeanChance ? "mean chance" : "reference"))).ToList(),
        r.Kappa is { } k
            ? new KappaJson(k.N, k.Categories, F(k.Kappa), F(k.StandardError), F(k.Low), F(k.High), F(k.StandardErrorNull), F(k.Z), F(k.PValue),
                k.ObservedAgreement, k.ExpectedAgreement, "Fleiss, Cohen & Everitt (1969): se under the alternative for the CI, se0 under kappa = 0 for z")
            : null,
        r.Funnel.Select(f => new FunnelJson(f.Label, f.Count)).ToList(),
        r.DistancesKm.Count > 0
            ? new DistanceJson(r.DistancesKm.Count, Estimators.Quantile.Type7(r.DistancesKm, 0.5), r.DistancesKm.Count(d => d <= o.MatchRadiusKm), o.MatchRadiusKm)
            : null,
        r.Tidy.LeftOutRows)
    {
        MethodsAndResults = MethodsParagraph.Build(r, o),
        Breakdowns = r.Breakdowns.SelectMany(b => b.Tasks.SelectMany(t => t.Levels.Select(l =>
            new BreakdownJson(b.Dimension, b.Column, t.Task, l.Level, l.N, l.K, l.Wilson.Estimate, l.Wilson.Low, l.Wilson.High)))).ToList(),
        Coding = r.Coding.Select(c => new CodingJson(c.Task, c.CodersPerAnswer.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value),
            c.Disagreed, c.Unreadable, c.NotCoded)).ToList(),
    };

    public const string ChanceTest = "exact Poisson-binomial test against each participant's chance";

    public static string MethodName(FisherMethod method) => method == FisherMethod.MonteCarlo ? "monte-carlo" : "exact";

    public static string Serialize(Document document) => JsonSerializer.Serialize(document, Options);

    private static double? F(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
