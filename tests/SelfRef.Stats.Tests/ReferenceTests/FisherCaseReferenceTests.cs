using System.Globalization;
using System.Text.Json;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Results;

namespace SelfRef.Stats.Tests.ReferenceTests;

/// <summary>
/// Fisher's exact test on the tables of reference/fisher_cases.txt (r×c, 2×K up to K = 10 and
/// 100,000 participants, empty rows and columns) against exact arithmetic (fisher_exact.py) and
/// R's fisher.test (reference.R), which drifts on large tables.
/// </summary>
public class FisherCaseReferenceTests
{
    private sealed record Case(string Label, int[,] Table, double Exact, string ExactMethod, double Bound, double R, string? RError);

    private static readonly Lazy<IReadOnlyList<Case>> All = new(Load);

    private static IReadOnlyList<Case> Load()
    {
        using var exact = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "fisher_exact.json")));
        var fromR = ReferenceData.Cases("fisher_cases").ToDictionary(c => c.GetProperty("label").GetString()!);
        var cases = new List<Case>();
        foreach (var e in exact.RootElement.GetProperty("cases").EnumerateArray())
        {
            var label = e.GetProperty("label").GetString()!;
            // The two scripts read the same file: a label missing from either means one was not rerun.
            Assert.True(fromR.TryGetValue(label, out var r), $"reference.json has no fisher_cases entry \"{label}\": rerun reference.R");
            var rError = r.GetProperty("error").ValueKind == JsonValueKind.Null ? null : r.GetProperty("error").GetString();
            cases.Add(new Case(label, e.Table("table"), e.Number("p"), e.GetProperty("method").GetString()!,
                e.Number("bound"), r.Number("p_fisher_test"), rError));
        }
        Assert.Equal(fromR.Count, cases.Count);
        return cases;
    }

    public static TheoryData<int, string> Cases
    {
        get
        {
            var data = new TheoryData<int, string>();
            for (var i = 0; i < All.Value.Count; i++) data.Add(i, $"{All.Value[i].Label}: {ReferenceData.Show(All.Value[i].Table)}");
            return data;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Exact_p_matches_exact_arithmetic_and_fisher_test(int i, string label)
    {
        var c = All.Value[i];
        var r = FisherExactTest.Compute(c.Table);
        Assert.True(r.Method == FisherMethod.Exact,
            $"The report would show a Monte Carlo p for {label} (every table here is meant to be within the exact sum's budget; it took {r.TablesEnumerated:N0} steps).");
        if (double.IsNaN(c.Exact))
        {
            // Too many tables for the exact-arithmetic script: R's fisher.test, within FEXACT's own drift.
            Assert.False(double.IsNaN(c.R), $"{label} has neither an exact value nor R's");
            Agree.Close(c.R, r.PValue, $"Fisher's exact p for {label}", "fisher.test(x, workspace = 2e8)$p.value", Agree.Iterative);
            return;
        }
        Agree.Close(c.Exact, r.PValue, $"Fisher's exact p for {label}", $"exact arithmetic (fisher_exact.py, {c.ExactMethod})");
        if (double.IsNaN(c.R)) return; // fisher.test gave up: c.RError says why
        var rDrift = Math.Abs(c.R - c.Exact) / c.Exact;
        if (rDrift <= Agree.Exact)
        {
            Agree.Close(c.R, r.PValue, $"Fisher's exact p for {label}", "fisher.test(x, workspace = 2e8)$p.value");
            return;
        }
        // FEXACT merges path lengths within 3.45e-7 and drifts: agreement within that, and closer to the exact value than R.
        Agree.Close(c.R, r.PValue, $"Fisher's exact p for {label}", "fisher.test(x, workspace = 2e8)$p.value", Agree.Iterative);
        Assert.True(Math.Abs(r.PValue - c.Exact) < Math.Abs(c.R - c.Exact),
            $"For {label} R's fisher.test is {rDrift:G3} from the exact p, and ours is further: {Math.Abs(r.PValue - c.Exact) / c.Exact:G3}.");
    }

    [Fact]
    public void The_issue_s_2_by_4_condition_table_of_20000_participants_gets_the_exact_p_in_the_report()
    {
        var issue = All.Value.Single(c => c.Label.StartsWith("issue 16", StringComparison.Ordinal));
        string[] conditions = ["a", "b", "c", "d"];
        var rows = new List<OutcomeRow>();
        for (var j = 0; j < 4; j++)
            for (var i = 0; i < 2; i++)
                for (var n = 0; n < issue.Table[i, j]; n++)
                    rows.Add(new OutcomeRow($"{conditions[j]}{i}-{n}", "e", "pen", conditions[j], 1, "desktop", "mouse", "en",
                        1000, SelfReference: i == 0, null, null, true));
        var comparison = ConditionComparison.Compute(rows, "pen", 0.95)!;
        Assert.Equal(FisherMethod.Exact, comparison.Fisher.Method);
        Agree.Close(issue.Exact, comparison.Fisher.PValue, "Fisher's exact p of the 2 x 4 condition table of 20,000 (issue 16)",
            "exact arithmetic (fisher_exact.py)");
    }

    [Fact]
    public void The_reference_covers_the_promised_range()
    {
        var cases = All.Value;
        static int N(int[,] t) => t.Cast<int>().Sum();
        static bool Is(int[,] t, int rows, int columns) => t.GetLength(0) == rows && t.GetLength(1) == columns;

        var issue = Assert.Single(cases, c => c.Label.StartsWith("issue 16", StringComparison.Ordinal));
        Assert.True(Is(issue.Table, 2, 4) && N(issue.Table) == 20_000);
        Assert.True(cases.Count(c => Is(c.Table, 2, 10) && N(c.Table) == 100_000 && !double.IsNaN(c.Exact)) >= 3, "2 x 10 tables of 100,000 participants with exact values");
        foreach (var k in Enumerable.Range(2, 9).Where(k => k != 7 && k != 9))
            Assert.Contains(cases, c => Is(c.Table, 2, k));
        Assert.Contains(cases, c => c.Exact < 1e-12 && N(c.Table) >= 100_000);
        Assert.Contains(cases, c => c.Exact > 0.9 && N(c.Table) >= 50_000);
        Assert.Contains(cases, c => Is(c.Table, 3, 3));
        Assert.Contains(cases, c => Is(c.Table, 3, 4));
        Assert.Contains(cases, c => Is(c.Table, 4, 4));
        Assert.Contains(cases, c => Is(c.Table, 5, 2));
        Assert.Contains(cases, c => Enumerable.Range(0, c.Table.GetLength(0)).Any(i => Enumerable.Range(0, c.Table.GetLength(1)).All(j => c.Table[i, j] == 0)));
        Assert.Contains(cases, c => Enumerable.Range(0, c.Table.GetLength(1)).Any(j => Enumerable.Range(0, c.Table.GetLength(0)).All(i => c.Table[i, j] == 0)));
        // Where the exact values are not exact rationals, their proven bound is far below the tests' tolerance.
        Assert.All(cases.Where(c => !double.IsNaN(c.Exact)), c => Assert.True(c.Bound <= 1e-15, $"{c.Label}: fisher_exact.py bounds what it left out at {c.Bound:G3} of p"));
        Assert.True(cases.Count(c => !double.IsNaN(c.Exact)) >= cases.Count * 3 / 4, "most cases should have exact values");
    }

    [Fact]
    public void Where_R_drifts_or_gives_up_the_exact_sum_does_not()
    {
        var withExact = All.Value.Where(c => !double.IsNaN(c.Exact)).ToList();
        var drifting = withExact.Where(c => !double.IsNaN(c.R) && Math.Abs(c.R - c.Exact) / c.Exact > Agree.Exact).ToList();
        var failing = withExact.Where(c => double.IsNaN(c.R)).ToList();
        // Large tables are exactly where FEXACT's merging shows; if none drifted, the cases would not test "better than R".
        Assert.NotEmpty(drifting);
        Assert.Contains(failing, c => c.RError is not null && c.RError.Contains("FEXACT", StringComparison.Ordinal));
        foreach (var c in drifting.Concat(failing))
        {
            var r = FisherExactTest.Compute(c.Table);
            var ours = Math.Abs(r.PValue - c.Exact) / c.Exact;
            Assert.True(ours <= 1e-11,
                string.Create(CultureInfo.InvariantCulture, $"{c.Label}: ours is {ours:G3} from the exact p (R: {(double.IsNaN(c.R) ? "no value" : (Math.Abs(c.R - c.Exact) / c.Exact).ToString("G3", CultureInfo.InvariantCulture))})."));
        }
    }
}
