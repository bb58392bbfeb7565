using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>A researcher preregisters a shipped experiment with the prereg verb, then analyses the finished study against it.</summary>
public sealed class PreregCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("selfref-prereg-verb-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static int Run(string[] args, StringWriter output, StringWriter error) => CommandLine.Run(args, TextReader.Null, output, error);

    [Fact]
    public void Prereg_writes_the_draft_and_analyze_with_it_names_the_deviations()
    {
        var experiments = Path.Combine(SelfRefFactory.RepositoryRoot, "experiments");
        var draft = Path.Combine(_dir.FullName, "prereg.md");
        var said = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, Run(["prereg", "--experiment", "gallup-pen", "--out", draft, "--exclusion-reason", "answered in under 20 s",
            "--experiments", experiments, "--db", Path.Combine(_dir.FullName, "none.db")], said, error));
        Assert.Equal("", error.ToString());
        var text = File.ReadAllText(draft);
        Assert.Contains("## 7) How many observations will be collected", text);
        Assert.Contains("No. No session of this experiment is stored yet", text); // no database: nothing collected
        Assert.Contains("analyze --experiment gallup-pen --prereg", said.ToString());

        var csv = Path.Combine(_dir.FullName, "outcomes.csv");
        File.WriteAllLines(csv,
        [
            "participant,experiment,task,condition,self_reference,latency_ms,completed,excluded,exclusion_reason",
            "P-1,gallup-pen,pen,default,1,900,1,0,", "P-2,gallup-pen,pen,default,1,1200,1,0,", "P-3,gallup-pen,pen,default,0,2500,1,0,",
            "P-4,gallup-pen,pen,default,1,700,1,1,phone call",
        ]);
        said = new StringWriter();
        Assert.Equal(0, Run(["analyze", "--outcomes", csv, "--prereg", draft, "--out", Path.Combine(_dir.FullName, "report")], said, error));
        Assert.Contains("deviation(s) from the preregistration, listed in the report", said.ToString());
        var report = File.ReadAllText(Path.Combine(_dir.FullName, "report", "report.md"));
        Assert.Contains("Sample size: 3 completed participants reached", report);
        Assert.Contains("Exclusion not preregistered: 1 session excluded by a researcher for \"phone call\".", report);
        Assert.Contains("Preregistered analysis not run (an outcome table alone does not hold each coder's codes; analyze --experiment computes it): Cohen's κ", report);
    }

    [Fact]
    public void Prereg_of_an_unknown_experiment_and_analyze_with_a_file_without_a_plan_say_what_is_wrong()
    {
        var experiments = Path.Combine(SelfRefFactory.RepositoryRoot, "experiments");
        var error = new StringWriter();
        Assert.Equal(1, Run(["prereg", "--experiment", "no-such", "--experiments", experiments, "--db", Path.Combine(_dir.FullName, "none.db")], new StringWriter(), error));
        Assert.Contains("no experiment 'no-such'", error.ToString());

        var notes = Path.Combine(_dir.FullName, "notes.md");
        File.WriteAllText(notes, "# plan\n");
        var csv = Path.Combine(_dir.FullName, "outcomes.csv");
        File.WriteAllLines(csv, ["participant,task,condition,self_reference,latency_ms", "P-1,pen,a,1,900"]);
        error = new StringWriter();
        Assert.Equal(1, Run(["analyze", "--outcomes", csv, "--prereg", notes, "--out", Path.Combine(_dir.FullName, "r")], new StringWriter(), error));
        Assert.Contains($"{notes} holds no SelfRef preregistration", error.ToString());
    }
}
