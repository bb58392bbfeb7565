using System.Globalization;
using SelfRef.Stats.Figures;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Report;

/// <summary>Turns computed results into the report's blocks, in reading order.</summary>
internal static class ReportContent
{
    public const string ReferenceNote =
        "About the reference values: the Gallup figures — 96 % of 500 students handed a pen wrote their own name first, " +
        "and 447 of 500 (89.4 %) shown a map first looked for their home town — are an anecdote without a located " +
        "primary source. They are used here only as reference values to compare against, not as established findings.";

    public static IReadOnlyList<ReportBlock> Build(ReplicationResults r, ReportOptions o, IReadOnlyList<RenderedFigure> figures, DateTimeOffset generatedAt)
    {
        var level = Format.Level(o.ConfidenceLevel);
        var figure = figures.ToDictionary(f => f.Name);
        var blocks = new List<ReportBlock>
        {
            new Heading(1, o.ExperimentTitle),
            new Paragraph($"Replication report generated {generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC " +
                $"from {r.Participants} participants; significance level α = {Format.Num(o.Alpha, "0.###")}, confidence level {level}."),
            new Note(ReferenceNote),
        };
        blocks.AddRange(SampleNotes.Blocks(o));
        if (o.FileNotices is { Count: > 0 } notices) blocks.Add(new Note("The experiment file departs from the usual rules on purpose: " + string.Join("; ", notices.Select(n => n.TrimEnd('.'))) + "."));
        blocks.AddRange(TidyBlocks(r.Tidy));
        blocks.Add(new Heading(2, MethodsParagraph.Heading));
        blocks.AddRange(MethodsParagraph.Build(r, o).Select(p => new Paragraph(p)));
        if (r.Deviations is { } deviations) blocks.AddRange(PreregistrationBlocks(deviations));
        blocks.Add(new Heading(2, "Self-referential first actions per task"));

        if (r.Tasks.Count == 0)
            blocks.Add(new Paragraph("The outcome table has no task rows yet."));
        else
        {
            blocks.Add(new Table(
                ["task", "n", "self-referential", "proportion", $"{level} Wilson", $"{level} Clopper–Pearson", "tested against", "exact test p (two-sided)", "Cohen's h"],
                r.Tasks.Select(t => (IReadOnlyList<string>)
                [
                    t.Task, t.N.ToString(CultureInfo.InvariantCulture), t.K.ToString(CultureInfo.InvariantCulture), Format.Prop(t.Proportion),
                    Format.Interval(t.Wilson.Low, t.Wilson.High), Format.Interval(t.ClopperPearson.Low, t.ClopperPearson.High),
                    TestedAgainst(t), TestP(t) is { } p ? Format.P(p) : "–",
                    (t.Chance?.CohensH ?? t.CohensH) is { } h ? $"{Format.Signed(h.H)} ({h.Magnitude})" : "–",
                ]).ToList()));
            foreach (var t in r.Tasks) blocks.Add(new Paragraph(TaskSentence(t, level)));
            var missing = r.Tasks.Where(t => t.Missing.Count > 0).ToList();
            if (missing.Count > 0)
                blocks.Add(new Paragraph("Rows without a classification, left out of n: " +
                    string.Join("; ", missing.Select(t => $"{t.Task}: " + MissingText(t))) + "."));
            Add(blocks, figure, "replication-bars");
        }

        blocks.Add(new Heading(2, "Latency to the first action"));
        var withLatency = r.Tasks.Where(t => t.Latency.N > 0).ToList();
        if (withLatency.Count == 0)
            blocks.Add(new Paragraph("No latencies were recorded."));
        else
        {
            blocks.Add(new Table(
                ["task", "n (classified rows with a latency)", "median (ms)", "Q1 (ms)", "Q3 (ms)", "IQR (ms)", "self vs other: Mann–Whitney W", "p"],
                withLatency.Select(t => (IReadOnlyList<string>)
                [
                    t.Task, t.Latency.N.ToString(CultureInfo.InvariantCulture), Format.Ms(t.Latency.Median), Format.Ms(t.Latency.Q1),
                    Format.Ms(t.Latency.Q3), Format.Ms(t.Latency.Iqr),
                    t.LatencyBySelfReference is { } mw ? Format.Num(mw.W, "0.#") : "–",
                    t.LatencyBySelfReference is { } mw2 ? Format.P(mw2.PValue) : "–",
                ]).ToList()));
            var unclassified = r.Tasks.Where(t => t.LatencyUnclassified > 0).ToList();
            blocks.Add(new Paragraph("n counts the participants whose first action is classified (self-referential or not) and has a latency, " +
                "the rows the self-versus-other comparison can use" +
                (unclassified.Count > 0
                    ? "; rows with a latency but no classification are left out (" + string.Join("; ", unclassified.Select(t => $"{t.Task}: {t.LatencyUnclassified}")) + ")"
                    : "") +
                ". Quartiles use R's default rule (type 7). The Mann–Whitney test compares latencies of self-referential " +
                "and other first actions (normal approximation with tie and continuity correction, as R's wilcox.test(exact = FALSE))."));
            Add(blocks, figure, "latency-ecdf");
        }

        var hasMap = figure.ContainsKey(FirstTargetMapFigure.Name);
        if (r.DistancesKm.Count > 0 || hasMap)
        {
            blocks.Add(new Heading(2, r.DistancesKm.Count > 0 ? "Map task: distance to home town" : "Map task: first targets"));
            if (r.DistancesKm.Count > 0)
            {
                var d = Estimators.AscendingCopy.Of(r.DistancesKm);
                blocks.Add(new Paragraph($"{d.Length} distances; median {Format.Num(Estimators.Quantile.Type7(d, 0.5), "0.#")} km; " +
                    $"{d.Count(x => x <= o.MatchRadiusKm)} within the {Format.Num(o.MatchRadiusKm, "0.#")} km match radius."));
                Add(blocks, figure, "distance-histogram");
            }
            // Home towns are drawn only when the rows carry their coordinates (identifying columns, exported only when asked for).
            Add(blocks, figure, FirstTargetMapFigure.Name);
        }

        blocks.Add(new Heading(2, "Conditions"));
        if (r.Conditions.Count == 0)
            blocks.Add(new Paragraph("No task has two or more condition levels with classified first actions, so there is nothing to compare."));
        foreach (var c in r.Conditions) blocks.AddRange(ConditionBlocks(c, level));
        if (r.Conditions.Count > 0) Add(blocks, figure, "condition-comparison");

        blocks.AddRange(BreakdownBlocks.Of(r.Breakdowns, level, figure.Values));

        blocks.Add(new Heading(2, "Sample size needed (power)"));
        if (r.Power.Count == 0)
            blocks.Add(new Paragraph("No task has a reference proportion or a chance to test against, so no power table is given."));
        foreach (var p in r.Power) blocks.AddRange(PowerBlocks(p, o));

        if (r.Kappa is { } k)
        {
            blocks.Add(new Heading(2, "Agreement between coders"));
            // The large-sample interval can overshoot κ's range with few items; the text caps it, results.json keeps it raw.
            var capped = k.Low < -1 || k.High > 1 ? ", capped to [−1, 1]" : "";
            blocks.Add(new Paragraph($"Cohen's κ = {Format.Num(k.Kappa, "0.000")} ({level} CI {Format.Num(Math.Max(k.Low, -1), "0.000")} to {Format.Num(Math.Min(k.High, 1), "0.000")}{capped}) " +
                $"over {k.N} double-coded answers in {k.Categories.Count} categories; observed agreement {Format.Percent(k.ObservedAgreement)}, " +
                $"chance agreement {Format.Percent(k.ExpectedAgreement)}; test of κ = 0: z = {Format.Num(k.Z)}, {Format.PIs(k.PValue)}. " +
                "Standard errors: Fleiss, Cohen & Everitt (1969), under the alternative for the interval and under κ = 0 for the test."));
        }

        blocks.AddRange(CodingSummaryBlocks.Of(o.CodingSummary, r.Kappa));

        blocks.Add(new Heading(2, "Completion"));
        Add(blocks, figure, "completion-funnel");
        blocks.Add(new Paragraph("Files: outcomes.csv (one row per participant and task), results.json (all numbers at full precision), figures/ (PNG and SVG)."));
        return blocks;
    }

    public const string DeviationsHeading = "Deviations from the preregistration";

    private static IEnumerable<ReportBlock> PreregistrationBlocks(Preregistration.Deviations d)
    {
        yield return new Heading(2, DeviationsHeading);
        yield return new Paragraph($"Preregistration of experiment \"{d.Plan.ExperimentId}\" written {d.Plan.WrittenAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC " +
            $"from version {SelfRef.Core.Experiments.ExperimentVersion.ShortOf(d.Plan.Version)} of its file with {d.Plan.Software}: planned n = {d.Plan.PlannedN} completed participants; " +
            $"reached {d.Reached} ({d.Analysed} participants analysed).");
        if (d.Items.Count == 0)
            yield return new Paragraph("No deviations: the sample reached the planned n, the analyses are the preregistered ones, and no session was excluded for a reason not declared in advance.");
        else
            yield return new Table(["", "deviation"], d.Items.Select((item, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), item]).ToList());
    }

    private static string TestedAgainst(TaskResult t) =>
        t.Chance is { } c ? $"each participant's chance (mean {Format.Prop(c.MeanChance)})"
        : t.Reference is { } p0 ? $"reference {Format.Prop(p0)}"
        : "–";

    private static double? TestP(TaskResult t) => t.Chance?.PTwoSided ?? t.Binomial?.PValue;

    /// <summary>What counting one row per participant and task, names ignoring case, changed (see TidyOutcomes).</summary>
    private static IEnumerable<ReportBlock> TidyBlocks(Outcomes.TidyOutcomes tidy)
    {
        const int listed = 10;
        if (tidy.Duplicates.Count > 0)
        {
            var pairs = tidy.Duplicates.Take(listed).Select(d =>
                $"participant {d.Participant}, task {d.Task}: kept row {d.KeptRow}, left out row{(d.LeftOutRows.Count == 1 ? "" : "s")} {string.Join(", ", d.LeftOutRows)}");
            var more = tidy.Duplicates.Count > listed ? $"; and {tidy.Duplicates.Count - listed} more pair(s)" : "";
            yield return new Note($"Duplicate rows: {tidy.LeftOutRows} row(s) repeat a participant and task already in the table " +
                $"({tidy.Duplicates.Count} participant × task pair(s)). Each participant is counted once per task: the first row in table order is kept " +
                $"and the later rows are left out of every count, test and figure. Rows are numbered from 1 in the order of the analysed rows (pilot runs and excluded sessions left out are not counted): " +
                $"{string.Join("; ", pairs)}{more}.");
        }
        if (tidy.Respelled.Count > 0)
            yield return new Paragraph("Task and condition names are compared ignoring case (a registered task keeps the registry's name, any other name " +
                "the spelling seen first): " + string.Join("; ", tidy.Respelled.Select(n => $"{n.Column} \"{n.Written}\" counted as \"{n.CountedAs}\" ({n.Rows} row(s))")) + ".");
    }

    private static string MissingText(TaskResult t) => string.Join(", ", t.Missing.Select(m => $"{m.Value} {m.Key}"));

    private static string TaskSentence(TaskResult t, string level)
    {
        if (t.N == 0)
            return $"{Cap(t.Task)}: n = 0, no participant has a classified first action" +
                (t.Missing.Count > 0 ? $" ({MissingText(t)})" : "") + ", so no proportion, interval or test is given.";
        var s = $"{Cap(t.Task)}: {t.K} of {t.N} participants ({Format.Percent(t.Proportion)}) made a self-referential first action; " +
            $"{level} CI {Format.Interval(t.Wilson.Low, t.Wilson.High)} (Wilson), {Format.Interval(t.ClopperPearson.Low, t.ClopperPearson.High)} (Clopper–Pearson).";
        if (t.Chance is { } c)
            s += " " + ChanceSentence(t, c);
        else if (t.Binomial is { } b && t.CohensH is { } h && t.Reference is { } p0)
            s += $" Against the reference {Format.Prop(p0)}: exact binomial test {Format.PIs(b.PValue)}, Cohen's h = {Format.Signed(h.H)} ({h.Magnitude}).";
        return s;
    }

    /// <summary>The test of a task whose chance differs per participant (e.g. the name-letter task: distinct initials ÷ letters shown).</summary>
    private static string ChanceSentence(TaskResult t, Estimators.PoissonBinomialTestResult c)
    {
        var level = Format.Level(c.Level);
        var s = $"Exact Poisson-binomial test against each participant's chance (n = {c.N}): observed {c.K} self-referential first actions, " +
            $"expected {Format.Num(c.Expected, "#,0.0")} by chance alone (mean chance {Format.Prop(c.MeanChance)}); " +
            $"{Format.PIs(c.PGreater, "one-sided p (more often than chance)")}, two-sided {Format.PIs(c.PTwoSided)}. " +
            $"Observed minus expected proportion {Format.Signed(c.Difference)} ({level} CI {Format.Signed(c.DifferenceLow)} to {Format.Signed(c.DifferenceHigh)}: " +
            $"the Wilson interval of the observed proportion minus the mean chance), Cohen's h against the mean chance = {Format.Signed(c.CohensH.H)} ({c.CohensH.Magnitude}).";
        if (t.WithoutChance > 0)
            s += $" {t.WithoutChance} classified {(t.WithoutChance == 1 ? "row has" : "rows have")} no chance value and {(t.WithoutChance == 1 ? "is" : "are")} left out of this test.";
        return s;
    }

    private static IEnumerable<ReportBlock> ConditionBlocks(ConditionComparison c, string level)
    {
        yield return new Heading(3, $"{Cap(c.Task)} task by condition");
        yield return new Table(
            ["condition", "n", "self-referential", "proportion", $"{level} Wilson", "difference from " + ConditionComparisonFigure.Display(c.Levels[0].Level), $"{level} CI (Newcombe)"],
            c.Levels.Select((l, i) => (IReadOnlyList<string>)
            [
                ConditionComparisonFigure.Display(l.Level), l.N.ToString(CultureInfo.InvariantCulture), l.K.ToString(CultureInfo.InvariantCulture),
                Format.Prop(l.Wilson.Estimate), Format.Interval(l.Wilson.Low, l.Wilson.High),
                i == 0 ? "–" : Format.Signed(c.DifferencesFromFirst[i - 1].Difference),
                i == 0 ? "–" : $"{Format.Signed(c.DifferencesFromFirst[i - 1].Low)} to {Format.Signed(c.DifferencesFromFirst[i - 1].High)}",
            ]).ToList());
        var or = c.OddsRatioVsFirst is { } odds
            ? $", conditional MLE odds ratio {Format.Num(odds)} (odds of a self-referential first action under {ConditionComparisonFigure.Display(c.Levels[1].Level)} " +
              $"divided by those under {ConditionComparisonFigure.Display(c.Levels[0].Level)}: the same direction as the difference column, above 1 when the difference is positive)"
            : "";
        yield return new Paragraph(FisherSentence(c.Fisher) + or + ". " +
            $"Pearson's chi-square (no continuity correction): χ² = {Format.Num(c.ChiSquare.Statistic, "0.000")}, df = {c.ChiSquare.DegreesOfFreedom}, {Format.PIs(c.ChiSquare.PValue)}.");
        if (double.IsNaN(c.ChiSquare.Statistic))
            yield return new Note("Chi-square is not defined here: every first action in this task fell into one category. Fisher's exact test still applies.");
        else if (c.ChiSquare.Warning is not null)
            yield return new Note($"{c.ChiSquare.Warning}: an expected count is below 5 (smallest {Format.Num(c.ChiSquare.MinExpected)}). Prefer Fisher's exact test.");
    }

    private static string FisherSentence(Estimators.FisherExactTestResult f)
    {
        if (f.Method != Estimators.FisherMethod.MonteCarlo) return $"Fisher's exact test: {Format.PIs(f.PValue)}";
        var floor = f.PValue <= f.Resolution
            ? string.Create(CultureInfo.InvariantCulture, $" (= 1/{f.Replicates + 1:N0}, the smallest it can be: no random table was as unlikely as the observed one)")
            : "";
        var tables = double.IsNaN(f.Arrangements) ? "every possible table" : $"the {Format.Magnitude(f.Arrangements)} possible tables";
        return string.Create(CultureInfo.InvariantCulture,
            $"Fisher's exact test, Monte Carlo p-value: {Format.PIs(f.PValue)}{floor}, standard error {Significant(f.StandardError ?? double.NaN)}, from {f.Replicates:N0} random tables with the observed margins " +
            $"(seed {f.Seed}; as R's fisher.test(x, simulate.p.value = TRUE, B = {f.Replicates})), because an exact sum over {tables} is beyond the exact test's work budget");
    }

    /// <summary>Two significant digits, without an exponent: 0.00031, 0.0012, 0.015.</summary>
    private static string Significant(double x)
    {
        if (double.IsNaN(x)) return "not defined";
        if (x == 0) return "0";
        var digits = Math.Max(0, 1 - (int)Math.Floor(Math.Log10(Math.Abs(x))));
        return Math.Round(x, Math.Min(digits, 15)).ToString("0.###############", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<ReportBlock> PowerBlocks(TaskPowerTable p, ReportOptions o)
    {
        var sawTooth = "Power of an exact test rises in a saw-tooth with n, so a few larger n can fall just below the target again.";
        yield return new Paragraph(p.AgainstMeanChance
            ? $"{Cap(p.Task)} task, tested against each participant's chance (mean chance {Format.Prop(p.Reference)}): the chances of future participants " +
              $"are not known, so each is taken to have the mean chance, and the table gives the smallest n at which the two-sided exact binomial test " +
              $"against it (α = {Format.Num(o.Alpha, "0.###")}) reaches {Format.Level(o.TargetPower)} power against each true proportion. " +
              "When chances differ between participants the count varies a little less, and the exact Poisson-binomial test has about the same power at these n. " + sawTooth
            : $"{Cap(p.Task)} task, reference {Format.Prop(p.Reference)}: the smallest n at which the two-sided exact binomial test " +
              $"(α = {Format.Num(o.Alpha, "0.###")}) reaches {Format.Level(o.TargetPower)} power against each true proportion. " + sawTooth);
        yield return new Table(
            ["true proportion", "difference", "Cohen's h", "n needed", "power at n"],
            p.Rows.Select(row => (IReadOnlyList<string>)
            [
                Format.Prop(row.P1), Format.Signed(row.P1 - row.P0), Format.Signed(row.CohensH),
                row.N?.ToString(CultureInfo.InvariantCulture) ?? $"> {row.MaxN}", Format.Num(row.Power, "0.000"),
            ]).ToList());
    }

    private static void Add(List<ReportBlock> blocks, Dictionary<string, RenderedFigure> figures, string name)
    {
        if (figures.TryGetValue(name, out var f)) blocks.Add(new FigureBlock(f));
    }

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
