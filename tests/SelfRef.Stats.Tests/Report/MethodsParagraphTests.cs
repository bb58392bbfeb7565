using System.Net;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Report;

/// <summary>The methods and results paragraph a researcher pastes into a paper: what it says for a study, checked word for word where it matters.</summary>
public sealed class MethodsParagraphTests
{
    private static readonly string V1 = ExperimentVersion.HashOf("{\"v\":1}");
    private static readonly string V2 = ExperimentVersion.HashOf("{\"v\":2}");

    /// <summary>A pen-and-map study in two conditions: 30 participants, handwriting coded by two coders (three by one), two sessions excluded.</summary>
    private static (List<OutcomeRow> Rows, ReportOptions Options) Study(FisherExactTestOptions? fisher = null)
    {
        var rows = new List<OutcomeRow>();
        for (var i = 0; i < 30; i++)
        {
            var condition = i % 2 == 0 ? "neutral" : "explicit";
            var coders = i < 3 ? 1 : 2;
            var own = i % 5 != 0;
            var value = own ? CodeValue.OwnName : CodeValue.Other;
            var codes = Enumerable.Range(0, coders).Select(c => new CoderCode { Coder = $"coder{c}", Value = value }).ToList();
            rows.Add(Row($"p{i:00}", "pen", own, condition, latency: 600 + 37 * i) with { MatchDetail = CodeConsensus.Detail(codes), Version = i < 20 ? V1 : V2 });
            rows.Add(Row($"p{i:00}", "map", i == 7 ? null : i % 3 != 0, condition, latency: 2000 - 41 * i, missing: "no target") with { Version = i < 20 ? V1 : V2 });
        }
        rows.Add(Row("p30", "pen", null, "neutral", missing: CodeConsensus.Disagree) with
        {
            MatchDetail = CodeConsensus.Detail([new CoderCode { Coder = "a", Value = CodeValue.OwnName }, new CoderCode { Coder = "b", Value = CodeValue.Other }]),
        });
        var options = new ReportOptions
        {
            GeneratedAt = DateTimeOffset.UnixEpoch,
            Software = SoftwareVersion.Describe("2.3.4+0123456789abcdef0123456789abcdef01234567"),
            Versions = [new PooledVersion(V1, null, 20, []), new PooledVersion(V2, null, 10, ["pen: changed"])],
            Exclusions = [new ExclusionCount("answered in 20 s", 2)],
            Coding = Enumerable.Range(3, 27).Select(i => new CodingPair($"p{i:00}/pen", i % 5 != 0 ? "OwnName" : "Other", i % 5 != 0 || i == 10 ? "OwnName" : "Other")).ToList(),
            Fisher = fisher ?? FisherExactTestOptions.Default,
        };
        return (rows, options);
    }

    private static string Paragraphs(ReplicationResults r) => string.Join("\n", MethodsParagraph.Build(r, new ReportOptions()));

    [Fact]
    public void The_paragraph_names_the_software_the_experiment_and_its_versions_and_the_sample_with_exclusions_and_missing_reasons()
    {
        var (rows, options) = Study();
        var report = Write(rows, options);
        var methods = MethodsParagraph.Methods(report.Output.Results, options);

        Assert.StartsWith("Data were collected and analysed with SelfRef 2.3.4 (git commit 0123456789ab); experiment \"exp\", " +
            $"sessions ran on 2 versions of the experiment file, pooled: {ExperimentVersion.ShortOf(V1)} (20 sessions), {ExperimentVersion.ShortOf(V2)} (10 sessions), whose task steps differ.", methods);
        Assert.Contains("31 participants were analysed after 2 sessions excluded by a researcher had been left out (answered in 20 s: 2); researchers' pilot runs are not counted.", methods);
        Assert.Contains("left out of that task's n: pen, 1 coders disagree; map, 1 no target.", methods);
        // The task modules' own definition of the first action.
        Assert.Contains("Pen task. " + SelfRef.Core.Tasks.Pen.PenTask.Type.FirstAction(null), methods);
        Assert.Contains("Map task. " + SelfRef.Core.Tasks.Map.MapTask.Type.FirstAction(null), methods);
        // Both formats carry it, the HTML encoded.
        Assert.Contains(MethodsParagraph.Heading, report.Markdown);
        Assert.Contains(WebUtility.HtmlEncode(methods), report.Html);
    }

    [Fact]
    public void The_paragraph_states_how_many_coders_coded_each_answer_and_kappa_as_the_agreement_section_computes_it()
    {
        var (rows, options) = Study();
        var r = Write(rows, options).Output.Results;
        var methods = MethodsParagraph.Methods(r, options);
        Assert.Contains("In the pen task, human coders judged each answer (28 answers by 2 coders, 3 answers by 1 coder); an answer is classified when its coders agree " +
            "(with more than two coders, a strict majority), and 1 on which the coders disagree is left unclassified.", methods);
        var kappa = r.Kappa!;
        Assert.Equal(27, kappa.N);
        Assert.Contains($"Cohen's κ = {kappa.Kappa.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} over 27 answers", methods);
        Assert.Contains("Cohen's κ = " + kappa.Kappa.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), MethodsParagraph.Results(r, options));
    }

    [Fact]
    public void Every_number_of_the_results_paragraph_is_the_one_the_tables_print()
    {
        var (rows, options) = Study();
        var report = Write(rows, options);
        var r = report.Output.Results;
        var results = MethodsParagraph.Results(r, options);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var t in r.Tasks)
        {
            Assert.Contains($"{char.ToUpperInvariant(t.Task[0])}{t.Task[1..]} task: {t.K} of {t.N} participants ({(100 * t.Proportion).ToString("0.0", c)} %; 95 % CI {(100 * t.Wilson.Low).ToString("0.0", c)} % to {(100 * t.Wilson.High).ToString("0.0", c)} %, Wilson)", results);
            var p = t.Binomial!.PValue;
            Assert.Contains($"against the reference proportion {t.Reference!.Value.ToString("0.000", c)}, exact binomial test {(p < 0.001 ? "p < 0.001" : "p = " + p.ToString(p < 0.01 ? "0.0000" : "0.000", c))} (two-sided)", results);
            // The same p as the task table's cell.
            Assert.Contains($"| {(p < 0.001 ? "\\< 0.001" : p.ToString(p < 0.01 ? "0.0000" : "0.000", c))} |", report.Markdown);
            Assert.Contains($"n = {t.Latency.N})", results);
        }
        foreach (var cond in r.Conditions)
        {
            Assert.Contains(string.Join(", ", cond.Levels.Select(l => $"{l.Level} {l.K}/{l.N} ({l.Wilson.Estimate.ToString("0.000", c)})")), results);
            Assert.Contains($"χ²({cond.ChiSquare.DegreesOfFreedom}) = {cond.ChiSquare.Statistic.ToString("0.000", c)}", results);
        }
    }

    [Fact]
    public void The_tests_are_named_as_analyze_ran_them_and_the_Gallup_figures_are_an_anecdote()
    {
        var (rows, options) = Study();
        var methods = MethodsParagraph.Methods(Write(rows, options).Output.Results, options);
        Assert.Contains("a two-sided exact binomial test against the reference proportion (pen 0.960, map 0.894) with Cohen's h", methods);
        Assert.Contains("Fisher's exact test on the condition × outcome table (exact p-values), Pearson's χ² test without continuity correction", methods);
        Assert.Contains("Mann–Whitney test", methods);
        Assert.Contains("an anecdote rather than a published finding", methods);
        Assert.Contains("96 %", methods);
        Assert.Contains("447 (89.4 %)", methods);
        Assert.DoesNotContain("Monte Carlo", methods);
    }

    [Fact]
    public void A_Monte_Carlo_Fisher_test_is_labelled_with_its_replicates_and_seed()
    {
        var (rows, options) = Study(new FisherExactTestOptions(ExactTableBudget: 1, Replicates: 2000, Seed: 42));
        var r = Write(rows, options).Output.Results;
        Assert.All(r.Conditions, c => Assert.Equal(FisherMethod.MonteCarlo, c.Fisher.Method));
        var methods = MethodsParagraph.Methods(r, options);
        Assert.Contains("pen: Monte Carlo p-value from 2,000 random tables with the observed margins, seed 42, because the exact sum exceeded the work budget", methods);
        Assert.DoesNotContain("(exact p-values)", methods);
        Assert.Contains("Fisher's exact test, Monte Carlo p", MethodsParagraph.Results(r, options));
    }

    [Fact]
    public void Without_coding_data_the_paragraph_says_so_instead_of_inventing_a_procedure()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Row($"p{i}", "map", i % 4 != 0) with { MatchDetail = "zoom 11 held" }).ToList();
        var report = Write(rows);
        var methods = MethodsParagraph.Methods(report.Output.Results, new ReportOptions());
        Assert.Contains("No row of these data records coding by human coders", methods);
        Assert.DoesNotContain("κ =", methods);
        Assert.Contains("the version of the experiment file is not recorded", methods);
        Assert.Contains("no session was excluded", methods);
        Assert.Contains("Every participant's first action in each task was classified.", methods);
    }

    [Fact]
    public void Coded_answers_read_from_an_outcome_table_alone_say_that_kappa_needs_the_coders_codes()
    {
        var (rows, _) = Study();
        var r = ReplicationResults.Compute(rows, new ReportOptions()); // an outcome CSV: no coder's codes
        var methods = Paragraphs(r);
        Assert.Contains("28 answers by 2 coders, 3 answers by 1 coder", methods);
        Assert.Contains("Cohen's κ cannot be given here: the outcome table does not hold each coder's codes", methods);
    }

    [Fact]
    public void The_software_version_comes_from_the_build()
    {
        Assert.Equal("SelfRef 1.0.0 (git commit 8826f830426d)", SoftwareVersion.Describe("1.0.0+8826f830426d080b51e07df22c8c815d9c2de76a"));
        Assert.Equal("SelfRef 1.0.0 (no git commit recorded in this build)", SoftwareVersion.Describe("1.0.0"));
        Assert.StartsWith("SelfRef ", SoftwareVersion.Current);
        Assert.Equal(SoftwareVersion.Current, new ReportOptions().Software);
    }
}
