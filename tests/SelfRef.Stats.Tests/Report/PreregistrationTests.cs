using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;
using SelfRef.Stats.Preregistration;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Report;

/// <summary>The preregistration draft of a shipped experiment, and the finished report's account of how the study kept to it.</summary>
public sealed class PreregistrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("selfref-prereg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Experiment Experiment, string Text) Shipped(string file)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder!.FullName, "SelfRef.slnx"))) folder = folder.Parent;
        var text = File.ReadAllText(Path.Combine(folder.FullName, "experiments", file));
        var parsed = ExperimentLoader.Parse(text, file);
        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors));
        return (parsed.Experiment!, text);
    }

    private static readonly DateTimeOffset Written = new(2026, 11, 20, 8, 30, 0, TimeSpan.Zero);

    private static (string Markdown, PreregistrationPlan Plan) Draft(IReadOnlyList<string>? reasons = null)
    {
        var (experiment, text) = Shipped("gallup-replication.json");
        return PreregistrationDraft.Write(new PreregistrationInput(experiment, ExperimentVersion.HashOf(text), Written, null, reasons,
            new ReportOptions { Software = "SelfRef 1.2.3 (git commit abcdef012345)" }));
    }

    [Fact]
    public void The_draft_of_the_shipped_replication_answers_AsPredicteds_questions_in_order_with_the_files_values()
    {
        var (experiment, text) = Shipped("gallup-replication.json");
        var (md, plan) = Draft();
        var at = PreregistrationDraft.Questions.Select(q => md.IndexOf("## " + q, StringComparison.Ordinal)).ToList();
        Assert.All(at, i => Assert.True(i >= 0, "a question of AsPredicted is missing"));
        Assert.Equal(at.Order(), at);
        string Answer(int q) => md[at[q]..(q + 1 < at.Count ? at[q + 1] : md.Length)];

        Assert.Contains("No. No session of this experiment is stored yet", Answer(0));
        Assert.Contains("differs (two-sided) from the reference proportion 0.960 (the Gallup figure; an anecdote", Answer(1));
        Assert.Contains("differs (two-sided) from the reference proportion 0.894", Answer(1));
        Assert.Contains("the distance from the first target to the home town (map)", Answer(4));
        var pen = (PenStep)experiment.Steps.Single(s => s.Id == "pen");
        Assert.Contains("Pen task (step \"pen\"). " + PenTask.Type.FirstAction(pen), Answer(2));
        Assert.Contains("a pause longer than 1,000 ms", Answer(2));
        Assert.Contains("Map task (step \"map\"). " + MapTask.Type.FirstAction(experiment.Steps.Single(s => s.Id == "map")), Answer(2));
        Assert.Contains("2 between-subject conditions, assigned in balanced blocks by a seeded randomisation (seed 1902)", Answer(3));
        Assert.Contains("- map-first: consent → intro → map → pen → about-you → debrief", Answer(3));
        Assert.Contains("- " + PlannedAnalyses.Reference("pen", 0.96), Answer(4));
        Assert.Contains("- " + PlannedAnalyses.Conditions("map"), Answer(4));
        Assert.Contains("- " + PlannedAnalyses.Kappa, Answer(4)); // handwriting is coded
        Assert.Contains("100,000 random tables with the observed margins (seed 1)", Answer(4));
        Assert.Contains("No other exclusion is planned", Answer(5));
        Assert.Contains("500 completed participants (the experiment file's targetSampleSize)", Answer(6));
        // The power table: n needed against 0.960 − 0.05, and the power at the planned n, as the estimator computes them.
        var row = SelfRef.Stats.Estimators.ExactBinomialPower.SmallestN(0.96, 0.91);
        var power = SelfRef.Stats.Estimators.ExactBinomialPower.PowerAt(500, 0.96, 0.91);
        Assert.Contains($"| 0.910 | −0.050 | {Format.Signed(row.CohensH)} | {row.N} | {power.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} |", Answer(6));
        Assert.Contains("SelfRef 1.2.3 (git commit abcdef012345)", Answer(7));

        Assert.Equal(("gallup-replication", ExperimentVersion.HashOf(text), 500), (plan.ExperimentId, plan.Version, plan.PlannedN));
        Assert.Equal(["pen-first", "map-first"], plan.Conditions);
    }

    [Fact]
    public void The_plan_is_read_back_from_the_draft_or_its_json_and_a_file_without_it_is_refused_by_name()
    {
        var (md, plan) = Draft(["answered in under 20 s"]);
        var file = Path.Combine(_dir, "prereg.md");
        File.WriteAllText(file, md + "\nEdited by hand afterwards.\n");
        var read = PreregistrationPlan.Read(file);
        Assert.Equal(plan.Analyses, read.Analyses);
        Assert.Equal(plan.References, read.References);
        Assert.Equal(["answered in under 20 s"], read.ExclusionReasons);
        Assert.Equal(plan.WrittenAt, read.WrittenAt);

        var plain = Path.Combine(_dir, "notes.md");
        File.WriteAllText(plain, "# My preregistration\n\nNo block here.");
        var error = Assert.Throws<InvalidDataException>(() => PreregistrationPlan.Read(plain));
        Assert.Contains(plain, error.Message);
        Assert.Contains("selfref-preregistration", error.Message);
    }

    /// <summary>Data as the plan expects: both tasks, both conditions, latencies in both outcome groups, handwriting double-coded.</summary>
    private static (List<SelfRef.Stats.Outcomes.OutcomeRow> Rows, ReportOptions Options) Finished(PreregistrationPlan plan, int participants)
    {
        var rows = new List<SelfRef.Stats.Outcomes.OutcomeRow>();
        for (var i = 0; i < participants; i++)
            foreach (var task in new[] { "pen", "map" })
                rows.Add(Row($"p{i:00}", task, i % 4 != 0, i % 2 == 0 ? "pen-first" : "map-first", latency: 500 + 53 * i) with { Experiment = "gallup-replication", Version = plan.Version });
        var options = new ReportOptions
        {
            GeneratedAt = DateTimeOffset.UnixEpoch,
            Preregistration = plan,
            Versions = [new PooledVersion(plan.Version, null, participants, [])],
            Coding = Enumerable.Range(0, participants).Select(i => new CodingPair($"p{i:00}/pen", i % 4 != 0 ? "OwnName" : "Other", i % 4 != 0 ? "OwnName" : "Other")).ToList(),
        };
        return (rows, options);
    }

    [Fact]
    public void A_study_short_of_its_plan_with_an_undeclared_exclusion_names_both_deviations()
    {
        var (_, plan) = Draft(["answered in under 20 s"]);
        var (rows, options) = Finished(plan, 24);
        options = options with { Exclusions = [new ExclusionCount("answered in under 20 s", 3), new ExclusionCount("spoke to the experimenter", 1)] };
        var report = Write(rows, options);
        var deviations = report.Output.Results.Deviations!;
        Assert.Equal(
        [
            "Sample size: 24 completed participants reached, 500 planned (476 short, 4.8 % of the plan).",
            "Exclusion not preregistered: 1 session excluded by a researcher for \"spoke to the experimenter\".",
        ], deviations.Items);
        Assert.Contains("## " + ReportContent.DeviationsHeading, report.Markdown);
        Assert.Contains("| 1 | Sample size: 24 completed participants reached, 500 planned (476 short, 4.8 % of the plan). |", report.Markdown);
        Assert.Contains("spoke to the experimenter", report.Html);
        Assert.Contains("The study was preregistered on 2026-11-20 (planned n = 500 completed participants; reached 24); 2 deviations are listed", MethodsParagraph.Methods(report.Output.Results, options));
    }

    [Fact]
    public void Analyses_added_or_not_run_and_a_changed_file_are_deviations_too()
    {
        var (_, plan) = Draft();
        var (rows, options) = Finished(plan, 24);
        rows = rows.Select(r => r.Task == "map" ? r with { Condition = "pen-first" } : r).ToList(); // the map task in one condition only
        rows.AddRange(Enumerable.Range(0, 6).Select(i => Row($"p{i:00}", "extra", i % 2 == 0, latency: 400 + 10 * i) with { Experiment = "gallup-replication", Version = plan.Version }));
        options = options with
        {
            Preregistration = plan with { PlannedN = 24 },
            References = new Dictionary<string, double>(ReportOptions.GallupReferences) { ["extra"] = 0.5 },
            Versions = [new PooledVersion(plan.Version, null, 20, []), new PooledVersion(ExperimentVersion.HashOf("changed"), null, 4, ["pen: changed"])],
        };
        var items = Write(rows, options).Output.Results.Deviations!.Items;
        Assert.Contains($"Analysis added (not preregistered): {PlannedAnalyses.Reference("extra", 0.5)}.", items);
        Assert.Contains($"Preregistered analysis not run (the data do not allow it): {PlannedAnalyses.Conditions("map")}.", items);
        Assert.Contains($"The experiment file changed after the preregistration: 4 session(s) ran on version {ExperimentVersion.ShortOf(ExperimentVersion.HashOf("changed"))}, " +
            $"the preregistration was written from {ExperimentVersion.ShortOf(plan.Version)}.", items);
        Assert.DoesNotContain(items, i => i.StartsWith("Sample size", StringComparison.Ordinal));
    }

    [Fact]
    public void A_study_that_kept_to_its_plan_says_there_are_no_deviations()
    {
        var (_, plan) = Draft(["answered in under 20 s"]);
        var (rows, options) = Finished(plan, 24);
        options = options with { Preregistration = plan with { PlannedN = 24 }, Exclusions = [new ExclusionCount("Answered in under 20 s", 2)] };
        var report = Write(rows, options);
        var results = report.Output.Results;
        Assert.Empty(results.Deviations!.Items);
        Assert.Equal(plan.Analyses.Order(), PlannedAnalyses.Of(results).Order());
        Assert.Contains("No deviations: the sample reached the planned n, the analyses are the preregistered ones", report.Markdown);
        Assert.Contains("the analysis follows it without deviation", MethodsParagraph.Methods(results, options));
    }

    [Fact]
    public void A_report_without_a_preregistration_has_no_such_section()
    {
        var report = Write([Row("a", "pen", true), Row("b", "pen", false)]);
        Assert.Null(report.Output.Results.Deviations);
        Assert.DoesNotContain(ReportContent.DeviationsHeading, report.Markdown);
    }
}
