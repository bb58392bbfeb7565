using SelfRef.Core.Tasks;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.Report;

/// <summary>
/// The report's statistics come from one pass (OutcomeTally) instead of a walk over the rows per
/// estimator. Here the walk is kept as it was written before (the oracle below, the previous
/// implementation's code) and both must give the same numbers to the last bit on the fixtures:
/// the synthetic studies, with duplicates, respelled names, unclassified rows, ties and a chance task.
/// </summary>
public class OnePassAgreementTests
{
    private static readonly ReportOptions Options = new() { ExperimentTitle = "agreement" };

    public static TheoryData<string> Fixtures => ["synthetic 80", "synthetic 2000 seed 3", "duplicates and spellings", "ties and gaps", "one level, one task without classified rows"];

    private static IReadOnlyList<OutcomeRow> Fixture(string name) => name switch
    {
        "synthetic 80" => SyntheticOutcomes.Create(),
        "synthetic 2000 seed 3" => SyntheticOutcomes.Create(2000, 3),
        "duplicates and spellings" => [.. SyntheticOutcomes.Create(300, 11), .. SyntheticOutcomes.Create(300, 11).Take(40).Select(r => r with { Task = r.Task.ToUpperInvariant(), SelfReference = !r.SelfReference })],
        "ties and gaps" => SyntheticOutcomes.Create(500, 5).Select((r, i) => r with
        {
            LatencyMs = i % 7 == 0 ? null : r.LatencyMs is { } ms ? Math.Round(ms / 250) * 250 : null,
            SelfReference = i % 11 == 0 ? null : r.SelfReference,
            Condition = i % 5 == 0 ? r.Condition.ToUpperInvariant() : r.Condition,
            // Breakdown values in several spellings, blank ones, and coded answers with their coders.
            Device = (i % 6) switch { 0 => "Phone", 1 => " phone ", 2 => "", 3 => "tv", 4 => "desktop", _ => "Tablet" },
            PointerType = (i % 4) switch { 0 => "touch", 1 => "MOUSE", 2 => "  ", _ => "stylus" },
            Language = i % 3 == 0 ? "de" : i % 3 == 1 ? "EN" : "en",
            MatchDetail = (i % 9) switch { 0 => "coded by 2: OwnName, OwnName", 1 => "coded by 3: a, b, c", 2 => "coded by x", _ => r.MatchDetail },
            MissingReason = i % 11 == 0 ? (i % 4) switch { 0 => "coders disagree", 1 => "unreadable", 2 => "not coded", _ => null } : r.MissingReason,
        }).ToList(),
        "one level, one task without classified rows" => SyntheticOutcomes.Create(120, 9).Select(r => r with
        {
            Condition = "only",
            SelfReference = r.Task == "map" ? null : r.SelfReference,
            MissingReason = r.Task == "map" ? "not coded" : r.MissingReason,
        }).ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_one_pass_statistics_equal_the_row_by_row_ones(string fixture)
    {
        var table = Fixture(fixture);
        var results = ReplicationResults.Compute(table, Options);
        var rows = TidyOutcomes.Of(table).Rows;
        var tasks = ReplicationResults.TaskOrder(rows);

        Assert.Equal(tasks, results.Tasks.Select(t => t.Task));
        Assert.Equal(rows.Select(r => r.Participant).Distinct().Count(), results.Participants);
        foreach (var task in results.Tasks)
        {
            var expected = Oracle.Task(rows, task.Task, Options.References.TryGetValue(task.Task, out var p0) ? p0 : null, Options.ConfidenceLevel);
            Assert.Equal((expected.N, expected.K, expected.LatencyUnclassified), (task.N, task.K, task.LatencyUnclassified));
            Assert.Equal(expected.Missing, task.Missing);
            Assert.Equal(expected.Proportion, task.Proportion);
            Assert.Equal(expected.Wilson, task.Wilson);
            Assert.Equal(expected.ClopperPearson, task.ClopperPearson);
            Assert.Equal(expected.Binomial, task.Binomial);
            Assert.Equal(expected.CohensH, task.CohensH);
            Assert.Equal(expected.Latency, task.Latency);
            Assert.Equal(expected.LatencyBySelfReference, task.LatencyBySelfReference);
        }
        var comparisons = tasks.Select(t => Oracle.Conditions(rows, t, Options.ConfidenceLevel)).OfType<ConditionComparison>().ToList();
        Assert.Equal(comparisons.Count, results.Conditions.Count);
        foreach (var (expected, actual) in comparisons.Zip(results.Conditions))
        {
            Assert.Equal(expected.Task, actual.Task);
            Assert.Equal(expected.Levels, actual.Levels);
            Assert.Equal(expected.Fisher.PValue, actual.Fisher.PValue);
            Assert.Equal(expected.Fisher.OddsRatio, actual.Fisher.OddsRatio);
            Assert.Equal(expected.ChiSquare, actual.ChiSquare);
            Assert.Equal(expected.DifferencesFromFirst, actual.DifferencesFromFirst);
        }
        var groups = Oracle.Latencies(rows, tasks);
        Assert.Equal(groups.Select(g => (g.Task, g.Outcome)), results.LatencyGroups.Select(g => (g.Task, g.Outcome)));
        foreach (var (expected, actual) in groups.Zip(results.LatencyGroups)) Assert.Equal(expected.LatenciesMs, actual.LatenciesMs);
        Assert.Equal(rows.Select(r => r.Number(OutcomeColumnRole.DistanceKm)).OfType<double>(), results.DistancesKm);
        Assert.Equal(Oracle.Funnel(rows, tasks), results.Funnel);
        foreach (var (expected, actual) in Oracle.Breakdowns(rows, tasks, Options.ConfidenceLevel).Zip(results.Breakdowns, (e, a) => (e, a)))
        {
            Assert.Equal((expected.Dimension, expected.Column), (actual.Dimension, actual.Column));
            Assert.Equal(expected.Tasks.Select(t => t.Task), actual.Tasks.Select(t => t.Task));
            foreach (var (e, a) in expected.Tasks.Zip(actual.Tasks)) Assert.Equal(e.Levels, a.Levels);
        }
        Assert.Equal(3, results.Breakdowns.Count);
        var coding = Oracle.Coding(rows, tasks);
        Assert.Equal(coding.Select(c => (c.Task, c.Disagreed, c.Unreadable, c.NotCoded)), results.Coding.Select(c => (c.Task, c.Disagreed, c.Unreadable, c.NotCoded)));
        foreach (var (e, a) in coding.Zip(results.Coding)) Assert.Equal(e.CodersPerAnswer.ToList(), a.CodersPerAnswer.ToList());
    }

    [Fact]
    public void The_chance_test_gets_the_same_chances_in_the_same_order()
    {
        var rows = SyntheticOutcomes.Create(200, 4)
            .Select((r, i) => (r with { Task = "name-letters", Participant = $"n{i}" }).With(("chance", i % 9 == 0 ? null : 0.05 + (i % 13) / 40.0)))
            .ToList();
        var task = Assert.Single(ReplicationResults.Compute(rows, Options).Tasks);
        var coded = rows.Where(r => r.SelfReference is not null && r.Number("chance") is not null).ToList();
        var expected = PoissonBinomialTest.Compute(coded.Count(r => r.SelfReference == true), coded.Select(r => r.Number("chance")!.Value).ToList(), Options.ConfidenceLevel);
        Assert.Equal(expected.PGreater, task.Chance!.PGreater);
        Assert.Equal(expected.PTwoSided, task.Chance.PTwoSided);
        Assert.Equal(rows.Count(r => r.SelfReference is not null) - coded.Count, task.WithoutChance);
    }

    [Fact]
    public void Mann_Whitney_from_sorted_groups_equals_the_rank_by_rank_computation_with_many_ties()
    {
        var random = new Random(5);
        var x = Enumerable.Range(0, 3000).Select(_ => (double)random.Next(200)).ToArray();
        var y = Enumerable.Range(0, 2500).Select(_ => (double)random.Next(180) + 10).ToArray();
        Assert.Equal(Oracle.MannWhitney(x, y), MannWhitney.Compute(x, y));
    }

    /// <summary>The previous implementation, row by row, as it was before the one-pass tally (commit 92ae65c).</summary>
    private static class Oracle
    {
        // Breakdowns and coding as they were before they joined the tally: one pass per dimension, one per task.
        public static IReadOnlyList<Breakdown> Breakdowns(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, double level) =>
        [
            Breakdown("device", OutcomeColumns.Device, r => r.Device, ["desktop", "tablet", "phone"], rows, tasks, level),
            Breakdown("pointer type", OutcomeColumns.PointerType, r => r.PointerType, ["mouse", "touch", "pen", "keyboard"], rows, tasks, level),
            Breakdown("language", OutcomeColumns.Language, r => r.Language, [], rows, tasks, level),
        ];

        private static Breakdown Breakdown(string dimension, string column, Func<OutcomeRow, string> value, IList<string> known,
            IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, double level)
        {
            var counts = new Dictionary<(string Task, string Value), (int N, int K)>();
            foreach (var row in rows)
            {
                if (row.SelfReference is not { } self) continue;
                var key = (row.Task, value(row) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim().ToLowerInvariant() : Results.Breakdown.Unknown);
                var (n, k) = counts.GetValueOrDefault(key);
                counts[key] = (n + 1, k + (self ? 1 : 0));
            }
            int Rank(string v) => v == Results.Breakdown.Unknown ? int.MaxValue : known.IndexOf(v) is var i && i >= 0 ? i : known.Count;
            var perTask = tasks.Select(task => new BreakdownTask(task, counts
                    .Where(c => c.Key.Task == task)
                    .OrderBy(c => Rank(c.Key.Value)).ThenBy(c => c.Key.Value, StringComparer.Ordinal)
                    .Select(c => new ConditionLevel(c.Key.Value, c.Value.N, c.Value.K, WilsonInterval.Compute(c.Value.K, c.Value.N, level)))
                    .ToList()))
                .Where(t => t.Levels.Count > 0)
                .ToList();
            return new Breakdown(dimension, column, perTask);
        }

        public static IReadOnlyList<TaskCoding> Coding(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks) =>
            tasks.Select(task =>
                {
                    var mine = rows.Where(r => r.Task == task).ToList();
                    var coders = mine.Select(r => SelfRef.Core.Coding.CodeConsensus.CodersIn(r.MatchDetail)).OfType<int>()
                        .GroupBy(n => n).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
                    int Missing(string reason) => mine.Count(r => r.SelfReference is null && r.MissingReason == reason);
                    return new TaskCoding(task, coders, Missing(SelfRef.Core.Coding.CodeConsensus.Disagree), Missing(SelfRef.Core.Coding.CodeConsensus.Unreadable), Missing(SelfRef.Core.Coding.CodeConsensus.NotCoded));
                })
                .Where(c => c.Coded + c.Disagreed + c.Unreadable + c.NotCoded > 0)
                .ToList();

        public static TaskResult Task(IReadOnlyList<OutcomeRow> rows, string task, double? reference, double level)
        {
            var all = rows.Where(r => r.Task == task).ToList();
            var coded = all.Where(r => r.SelfReference is not null).ToList();
            var n = coded.Count;
            var k = coded.Count(r => r.SelfReference == true);
            var missing = all.Where(r => r.SelfReference is null).GroupBy(r => r.MissingReason ?? "unknown")
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
            var latencyUnclassified = all.Count(r => r.SelfReference is null && r.LatencyMs is not null);
            if (n == 0)
            {
                var none = new ProportionInterval(0, 0, double.NaN, double.NaN, double.NaN, level, "none: n = 0");
                return new TaskResult(task, 0, 0, double.NaN, reference, none, none, null, null, LatencySummary.Compute([]), null, missing, null, 0, latencyUnclassified);
            }
            var self = coded.Where(r => r.SelfReference == true && r.LatencyMs is not null).Select(r => r.LatencyMs!.Value).ToArray();
            var other = coded.Where(r => r.SelfReference == false && r.LatencyMs is not null).Select(r => r.LatencyMs!.Value).ToArray();
            return new TaskResult(task, n, k, (double)k / n, reference,
                WilsonInterval.Compute(k, n, level), ClopperPearsonInterval.Compute(k, n, level),
                reference is { } p0 ? ExactBinomialTest.Compute(k, n, p0) : null,
                reference is { } p ? CohensH.Compute((double)k / n, p) : null,
                LatencySummary.Compute(coded.Where(r => r.LatencyMs is not null).Select(r => r.LatencyMs!.Value)),
                self.Length > 0 && other.Length > 0 && self.Concat(other).Distinct().Count() > 1 ? MannWhitney(self, other) : null,
                missing, null, 0, latencyUnclassified);
        }

        public static ConditionComparison? Conditions(IReadOnlyList<OutcomeRow> rows, string task, double level)
        {
            var groups = rows.Where(r => r.Task == task && r.SelfReference is not null).GroupBy(r => r.Condition)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (Level: g.Key, N: g.Count(), K: g.Count(r => r.SelfReference == true))).ToList();
            if (groups.Count < 2) return null;
            var table = new ContingencyTable(groups.Select(g => g.Level).ToList(), groups.Select(g => g.K).ToList(), groups.Select(g => g.N).ToList());
            var first = groups[0];
            return new ConditionComparison(task,
                groups.Select(g => new ConditionLevel(g.Level, g.N, g.K, WilsonInterval.Compute(g.K, g.N, level))).ToList(),
                table, FisherExactTest.Compute(table.ToMatrix()), PearsonChiSquare.Compute(table.ToMatrix()),
                groups.Skip(1).Select(g => NewcombeDifference.Compute(g.K, g.N, first.K, first.N, level)).ToList());
        }

        public static List<LatencyGroup> Latencies(IReadOnlyList<OutcomeRow> rows, IEnumerable<string> tasks) =>
            tasks.SelectMany(task => new[] { (true, LatencyGroup.Self), (false, LatencyGroup.Other) }
                    .Select(o => new LatencyGroup(task, o.Item2, rows.Where(r => r.Task == task && r.SelfReference == o.Item1 && r.LatencyMs is not null)
                        .Select(r => r.LatencyMs!.Value).Order().ToList())))
                .Where(g => g.LatenciesMs.Count > 0).ToList();

        public static List<FunnelStage> Funnel(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks)
        {
            var order = CommonOrder(rows, tasks);
            var stages = new List<FunnelStage> { new("in outcome table", rows.Select(r => r.Participant).Distinct().Count()) };
            foreach (var task in order ?? tasks)
                stages.Add(new($"{task}: first action", rows.Where(r => r.Task == task && (r.SelfReference is not null || r.LatencyMs is not null))
                    .Select(r => r.Participant).Distinct().Count(), InSequence: order is not null));
            stages.Add(new("completed", rows.Where(r => r.Completed).Select(r => r.Participant).Distinct().Count()));
            return stages;
        }

        private static IReadOnlyList<string>? CommonOrder(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks)
        {
            if (tasks.Count <= 1) return tasks;
            if (rows.Any(r => r.TaskOrder is null)) return null;
            var before = new HashSet<(string, string)>();
            foreach (var participant in rows.GroupBy(r => r.Participant, StringComparer.Ordinal))
            {
                var sequence = participant.OrderBy(r => r.TaskOrder).Select(r => r.Task).ToList();
                for (var i = 0; i < sequence.Count; i++)
                    for (var j = i + 1; j < sequence.Count; j++)
                    {
                        if (before.Contains((sequence[j], sequence[i]))) return null;
                        before.Add((sequence[i], sequence[j]));
                    }
            }
            var ranked = tasks.OrderBy(t => before.Count(p => p.Item2 == t)).ToList();
            for (var i = 0; i + 1 < ranked.Count; i++)
                if (!before.Contains((ranked[i], ranked[i + 1]))) return null;
            return ranked;
        }

        public static MannWhitneyResult MannWhitney(IReadOnlyList<double> x, IReadOnlyList<double> y)
        {
            double nx = x.Count, ny = y.Count, n = nx + ny;
            var values = x.Concat(y).ToArray();
            var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
            var ranks = new double[values.Length];
            var ties = new List<int>();
            for (var start = 0; start < order.Length;)
            {
                var end = start;
                while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
                for (var i = start; i <= end; i++) ranks[order[i]] = (start + end + 2) / 2.0;
                ties.Add(end - start + 1);
                start = end + 1;
            }
            var w = ranks.Take(x.Count).Sum() - nx * (nx + 1) / 2;
            var tieTerm = ties.Sum(t => (double)t * t * t - t);
            var sigma = Math.Sqrt(nx * ny / 12 * (n + 1 - tieTerm / (n * (n - 1))));
            var centred = w - nx * ny / 2;
            var z = (centred - Math.Sign(centred) * 0.5) / sigma;
            var tail = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));
            return new MannWhitneyResult(x.Count, y.Count, w, z, Math.Min(1, 2 * tail));
        }
    }
}
