using System.Text.Json;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Outcomes;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;
using Xunit.Abstractions;

namespace SelfRef.Web.Tests;

/// <summary>
/// `simulate` and then `analyze`, as a researcher runs them, on the name-letter task: the simulated
/// study goes through a server of its own (a child process), and the report tests the first picks
/// against each participant's chance with the exact Poisson-binomial distribution.
/// </summary>
public sealed class SimulateCommandTests(ITestOutputHelper log) : IDisposable
{
    private static string Experiments => Path.Combine(SelfRefFactory.RepositoryRoot, "experiments");
    private static string Places => Path.Combine(SelfRefFactory.RepositoryRoot, "data", "places.tsv");

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("selfref-simulate-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string InFolder(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void Simulated_name_letter_participants_are_analysed_against_their_chance_back_to_the_true_probability()
    {
        const int participants = 160;
        const double truth = 0.35;
        var database = InFolder("name-letters.db");
        var simulated = Run("simulate", "--experiment", "name-letters", "--participants", $"{participants}", "--self", $"name-letters={truth}",
            "--seed", "12", "--drop-out", "0", "--decline", "0", "--db", database, "--experiments", Experiments, "--gazetteer", Places, "--out", InFolder("simulated"));
        Assert.True(simulated.Exit == 0, $"simulate exited {simulated.Exit}: {simulated.Error}\n{simulated.Output}");
        log.WriteLine(simulated.Output[simulated.Output.IndexOf("analysis (", StringComparison.Ordinal)..]);
        Assert.Contains($"{participants} completed", simulated.Output);
        Assert.Contains("name-letters: ", simulated.Output);
        Assert.Contains("against each participant's chance", simulated.Output);

        var analyzed = Run("analyze", "--experiment", "name-letters", "--db", database, "--experiments", Experiments, "--out", InFolder("report"));
        Assert.True(analyzed.Exit == 0, $"analyze exited {analyzed.Exit}: {analyzed.Error}");
        log.WriteLine(analyzed.Output);
        Assert.Contains("against each participant's chance", analyzed.Output);
        Assert.Contains("exact Poisson-binomial", analyzed.Output);
        Assert.DoesNotContain("reference ,", analyzed.Output);

        // The outcome table the report wrote: every participant classified, each with their own chance.
        var rows = OutcomeCsv.Read(InFolder("report/outcomes.csv")).Where(r => r.Task == "name-letters").ToList();
        Assert.Equal(participants, rows.Count);
        Assert.All(rows, r => Assert.True(r.SelfReference is not null, $"{r.Participant}: not classified ({r.MissingReason})"));
        var chances = rows.Select(r => r.Number("chance")!.Value).ToList();
        var k = rows.Count(r => r.SelfReference == true);
        // Two initials of 26 letters for most; one when first name and surname share it, more for double names.
        Assert.All(chances, c => Assert.InRange(c, 1 / 26.0, 6 / 26.0));

        using var json = JsonDocument.Parse(File.ReadAllText(InFolder("report/results.json")));
        var task = json.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "name-letters");
        Assert.Equal("chance", task.GetProperty("tested_against").GetString());
        Assert.Equal(JsonValueKind.Null, task.GetProperty("binomial_p").ValueKind);
        var chance = task.GetProperty("chance");
        Assert.Equal(participants, chance.GetProperty("n").GetInt32());
        Assert.Equal(k, chance.GetProperty("k").GetInt32());
        Assert.Equal(0, chance.GetProperty("without_chance").GetInt32());
        // Observed against expected: the expected count is the sum of the participants' chances.
        Assert.Equal(chances.Sum(), chance.GetProperty("expected").GetDouble(), 9);
        Assert.Equal(chances.Average(), chance.GetProperty("mean_chance").GetDouble(), 12);
        var exact = PoissonBinomialTest.Compute(k, chances);
        Assert.Equal(exact.PGreater, chance.GetProperty("p_greater").GetDouble(), 12);
        Assert.Equal(exact.PTwoSided, chance.GetProperty("p_two_sided").GetDouble(), 12);
        Assert.Equal((double)k / participants - chances.Average(), chance.GetProperty("difference").GetDouble(), 12);
        // A truth of 35 % against a chance near 8 %: far more own initials than chance gives.
        Assert.True(chance.GetProperty("p_greater").GetDouble() < 1e-9, $"p = {chance.GetProperty("p_greater").GetDouble()} for {k} of {participants} against {chances.Sum():F1} expected");

        // The estimate recovers the true probability: within four standard errors of a proportion of n (seeded, so the same every run).
        var tolerance = 4 * Math.Sqrt(truth * (1 - truth) / participants);
        var estimate = task.GetProperty("proportion").GetDouble();
        Assert.True(Math.Abs(estimate - truth) <= tolerance, $"{k}/{participants} = {estimate:P1} is more than {tolerance:P1} from the true {truth:P0}");
        Assert.InRange(truth, task.GetProperty("wilson_low").GetDouble(), task.GetProperty("wilson_high").GetDouble());

        // The report simulate wrote says the same.
        using var fromSimulate = JsonDocument.Parse(File.ReadAllText(InFolder("simulated/results.json")));
        var same = fromSimulate.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "name-letters").GetProperty("chance");
        Assert.Equal(k, same.GetProperty("k").GetInt32());
        Assert.Equal(chance.GetProperty("expected").GetDouble(), same.GetProperty("expected").GetDouble(), 12);
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandLine.Run(args, TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
