using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

/// <summary>
/// Fisher's test on tables of 100,000 participants, where an exact sum must skip what cannot
/// matter and a table too large for that falls back to R's Monte Carlo p-value.
/// </summary>
public class LargeTableReferenceTests
{
    public static TheoryData<int, string> LargeCases => ReferenceData.Rows("fisher_large", c => ReferenceData.Show(c.Table("table")));
    public static TheoryData<int, string> SimulatedCases => ReferenceData.Rows("fisher_simulated", c => ReferenceData.Show(c.Table("table")));

    [Theory, MemberData(nameof(LargeCases))]
    public void Exact_p_of_a_table_of_100000_participants_matches_the_complete_sum_in_R(int i, string table)
    {
        var c = ReferenceData.Cases("fisher_large")[i];
        var r = FisherExactTest.Compute(c.Table("table"));
        Assert.Equal(FisherMethod.Exact, r.Method);
        Agree.Close(c.Number("p_complete"), r.PValue, $"Fisher's exact p for the table {table}",
            "the complete sum over every table with these margins (reference.R, fisher_complete_2x3; fisher.test itself for 2 x 2)");
        // fisher.test's network algorithm merges partial sums within its own tolerance (3.45e-7).
        Agree.Close(c.Number("p_fisher_test"), r.PValue, $"Fisher's exact p for the table {table}",
            "fisher.test(x, workspace = 2e8)$p.value", Agree.Iterative);
        // Steps include building the tail sums once per left; a 2 x 2 table of 100,000 has only 11,001 arrangements.
        Assert.True(r.TablesEnumerated < r.Arrangements / 5,
            $"the exact sum took {r.TablesEnumerated:N0} steps for {r.Arrangements:N0} tables; the closed-form middle and skipped tails should leave far fewer");
    }

    [Theory, MemberData(nameof(SimulatedCases))]
    public void Monte_Carlo_p_agrees_with_R_within_simulation_error(int i, string table)
    {
        var c = ReferenceData.Cases("fisher_simulated")[i];
        var replicates = c.Int("replicates");
        var ours = FisherExactTest.MonteCarlo(c.Table("table"), replicates, seed: 1);
        var rSimulated = c.Number("p_simulated");
        var exact = c.Number("p_exact");

        Assert.Equal(FisherMethod.MonteCarlo, ours.Method);
        Assert.Equal((replicates, (int?)1), (ours.Replicates, ours.Seed));
        // (1 + count) / (B + 1), as R computes it: a whole number of tables above the one.
        var count = ours.PValue * (replicates + 1) - 1;
        Assert.True(Math.Abs(count - Math.Round(count)) < 1e-6, $"p = {ours.PValue} is not (1 + k)/(B + 1)");

        var p = double.IsNaN(exact) ? rSimulated : exact;
        var se = Math.Sqrt(p * (1 - p) / replicates);
        if (!double.IsNaN(exact))
            Assert.True(Math.Abs(ours.PValue - exact) <= 4 * se + 1.0 / (replicates + 1),
                $"the Monte Carlo p for {table} is {ours.PValue}, more than 4 standard errors ({se:G3}) from R's exact {exact}");
        // Two independent estimates: their difference has √2 times the standard error.
        Assert.True(Math.Abs(ours.PValue - rSimulated) <= 4 * Math.Sqrt(2) * se + 2.0 / (replicates + 1),
            $"the Monte Carlo p for {table} is {ours.PValue}, R's fisher.test(simulate.p.value = TRUE, B = {replicates}) gave {rSimulated}");
    }

    [Fact]
    public void Only_a_table_beyond_the_work_budget_falls_back_to_Monte_Carlo_and_says_so()
    {
        var cases = ReferenceData.Cases("fisher_simulated").Select(c => (Table: c.Table("table"), Exact: c.Number("p_exact"), Simulated: c.Number("p_simulated"))).ToList();

        // 2 x 4 with 40,000 participants: once beyond the exact sum, now summed exactly; R's FEXACT agrees within its own drift.
        var four = cases.Single(c => c.Table.GetLength(1) == 4 && c.Table[0, 0] == 8000);
        var exactFour = FisherExactTest.Compute(four.Table);
        Assert.Equal((FisherMethod.Exact, (double?)null), (exactFour.Method, exactFour.StandardError));
        Agree.Close(four.Exact, exactFour.PValue, "Fisher's exact p for the 2 x 4 table of 40,000", "fisher.test(x, workspace = 2e8)$p.value", Agree.Iterative);

        // 2 x 10 with 100,000 participants close to the null: about 10^40 tables, and those within 10^-9 of
        // the threshold alone are too many to decide (R's FEXACT fails on it after 26 minutes, error 7).
        var ten = new[,]
        {
            { 9003, 9012, 8990, 8987, 9010, 9007, 8985, 8993, 9013, 9000 },
            { 997, 988, 1010, 1013, 990, 993, 1015, 1007, 987, 1000 },
        };
        var r = FisherExactTest.Compute(ten);
        Assert.Equal(FisherMethod.MonteCarlo, r.Method);
        Assert.Equal((100_000, (int?)1, 0L), (r.Replicates, r.Seed, r.TablesEnumerated));
        Assert.Equal(1.0 / 100_001, r.Resolution, 15);
        Assert.Equal(Math.Sqrt(r.PValue * (1 - r.PValue) / 100_000), r.StandardError!.Value, 15);
        Assert.Equal(FisherExactTest.MonteCarlo(ten).PValue, r.PValue);
        Assert.True(r.Arrangements > 1e30, $"{r.Arrangements:G3} tables");

        // 2 x 3 with 97,500 participants: fisher.test gives up (FEXACT error 501), the exact sum does not.
        var half = cases.Single(c => c.Table[0, 0] == 16000);
        Assert.True(double.IsNaN(half.Exact));
        var exact = FisherExactTest.Compute(half.Table);
        Assert.Equal(FisherMethod.Exact, exact.Method);
        var se = Math.Sqrt(exact.PValue * (1 - exact.PValue) / 2000);
        Assert.True(Math.Abs(exact.PValue - half.Simulated) <= 4 * se + 1.0 / 2001,
            $"the exact p {exact.PValue} is far from R's simulated {half.Simulated}");

        // A budget of 1 step forces Monte Carlo on any table with more than one arrangement.
        var forced = FisherExactTest.Compute(half.Table, new FisherExactTestOptions(ExactTableBudget: 1, Replicates: 500, Seed: 7));
        Assert.Equal((FisherMethod.MonteCarlo, 500, (int?)7), (forced.Method, forced.Replicates, forced.Seed));
    }

    [Theory, MemberData(nameof(SmallCases))]
    public void Monte_Carlo_p_of_every_small_reference_table_is_within_simulation_error_of_fisher_test(int i, string table)
    {
        var c = ReferenceData.Cases("fisher")[i];
        const int replicates = 20_000;
        var exact = c.Number("p");
        var ours = FisherExactTest.MonteCarlo(c.Table("table"), replicates, seed: 2024);
        var se = Math.Sqrt(exact * (1 - exact) / replicates);
        Assert.True(Math.Abs(ours.PValue - exact) <= 4.5 * se + 1.0 / (replicates + 1),
            $"the Monte Carlo p for {table} is {ours.PValue}; fisher.test gives {exact} (standard error {se:G3})");
    }

    public static TheoryData<int, string> SmallCases => ReferenceData.Rows("fisher", c => ReferenceData.Show(c.Table("table")));

    [Fact]
    public void The_same_seed_gives_the_same_Monte_Carlo_p()
    {
        var t = ReferenceData.Cases("fisher_simulated")[1].Table("table");
        Assert.Equal(FisherExactTest.MonteCarlo(t, 2000, 5).PValue, FisherExactTest.MonteCarlo(t, 2000, 5).PValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => FisherExactTest.MonteCarlo(t, 0, 5));
    }
}
