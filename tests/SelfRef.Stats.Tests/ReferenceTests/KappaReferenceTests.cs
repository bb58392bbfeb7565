using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Tests.ReferenceTests;

public class KappaReferenceTests
{
    public static TheoryData<int, string> Cases => ReferenceData.Rows("kappa", c => ReferenceData.Show(c.Table("table")));

    [Theory, MemberData(nameof(Cases))]
    public void Kappa_and_standard_errors_match_fleiss_cohen_everitt(int i, string table)
    {
        var c = ReferenceData.Cases("kappa")[i];
        var t = c.Table("table");
        var categories = Enumerable.Range(0, t.GetLength(0)).Select(j => $"c{j}").ToList();
        var r = CohensKappa.FromTable(t, categories);
        const string call = "kappa_fce() in reference.R (Fleiss, Cohen & Everitt 1969)";
        Agree.Close(c.Number("kappa"), r.Kappa, $"Cohen's kappa for coder table {table}", call);
        Agree.Close(c.Number("observed"), r.ObservedAgreement, $"the observed agreement for {table}", call);
        Agree.Close(c.Number("expected"), r.ExpectedAgreement, $"the chance agreement for {table}", call);
        Agree.Close(c.Number("se"), r.StandardError, $"the standard error of kappa for {table}", call);
        Agree.Close(c.Number("low"), r.Low, $"the lower 95 % limit of kappa for {table}", call);
        Agree.Close(c.Number("high"), r.High, $"the upper 95 % limit of kappa for {table}", call);
        Agree.Close(c.Number("se0"), r.StandardErrorNull, $"the standard error of kappa under kappa = 0 for {table}", call);
        Agree.Close(c.Number("p"), r.PValue, $"the p-value of kappa = 0 for {table}", call);
    }

    [Fact]
    public void Kappa_from_coder_lists_equals_kappa_from_their_table()
    {
        string[] a = ["name", "name", "other", "name", "none", "other", "name"];
        string[] b = ["name", "other", "other", "name", "none", "none", "name"];
        var fromLists = CohensKappa.Compute(a, b);
        var table = new int[3, 3]; // categories sorted: name, none, other
        var index = new Dictionary<string, int> { ["name"] = 0, ["none"] = 1, ["other"] = 2 };
        for (var i = 0; i < a.Length; i++) table[index[a[i]], index[b[i]]]++;
        var fromTable = CohensKappa.FromTable(table, ["name", "none", "other"]);
        Assert.Equal(fromTable.Kappa, fromLists.Kappa, 15);
        Assert.Equal(fromTable.StandardError, fromLists.StandardError, 15);
    }
}
