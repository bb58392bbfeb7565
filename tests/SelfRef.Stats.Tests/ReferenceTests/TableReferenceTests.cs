using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

public class TableReferenceTests
{
    public static TheoryData<int, string> FisherCases => ReferenceData.Rows("fisher", c => ReferenceData.Show(c.Table("table")));
    public static TheoryData<int, string> ChiSquareCases => ReferenceData.Rows("chisq", c => ReferenceData.Show(c.Table("table")));

    [Theory, MemberData(nameof(FisherCases))]
    public void Fisher_p_value_matches_fisher_test(int i, string table)
    {
        var c = ReferenceData.Cases("fisher")[i];
        var r = FisherExactTest.Compute(c.Table("table"));
        Agree.Close(c.Number("p"), r.PValue, $"Fisher's exact p for the table {table}", "fisher.test(x)$p.value");
        if (r.Columns == 2)
            Agree.Close(c.Number("odds_ratio"), r.OddsRatio ?? double.NaN, $"the conditional MLE odds ratio for {table}",
                "fisher.test's MLE solved with uniroot(tol = 1e-13)", Agree.Iterative);
        else
            Assert.Null(r.OddsRatio);
    }

    [Theory, MemberData(nameof(ChiSquareCases))]
    public void Chi_square_matches_chisq_test(int i, string table)
    {
        var c = ReferenceData.Cases("chisq")[i];
        var r = PearsonChiSquare.Compute(c.Table("table"));
        Agree.Close(c.Number("statistic"), r.Statistic, $"the chi-square statistic for {table}", "chisq.test(x, correct = FALSE)$statistic");
        Assert.True(c.Number("df") == r.DegreesOfFreedom, $"The report would give df = {r.DegreesOfFreedom} for {table}, R gives {c.Number("df")}.");
        Agree.Close(c.Number("p"), r.PValue, $"the chi-square p-value for {table}", "chisq.test(x, correct = FALSE)$p.value");
        var rWarned = c.GetProperty("warning").GetBoolean();
        Assert.True(rWarned == (r.Warning is not null),
            $"For {table} R {(rWarned ? "warns" : "does not warn")} \"Chi-squared approximation may be incorrect\" but the report {(r.Warning is null ? "does not" : "does")}.");
    }

    [Fact]
    public void Reference_covers_empty_cells_and_three_or_more_levels()
    {
        var tables = ReferenceData.Cases("fisher").Select(c => c.Table("table")).ToList();
        Assert.Contains(tables, t => t.Cast<int>().Contains(0));
        Assert.Contains(tables, t => t.GetLength(1) >= 3);
    }
}
