using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

public class CommandTests
{
    private static string Experiments => Path.Combine(SelfRefFactory.RepositoryRoot, "experiments");

    [Fact]
    public void Validate_accepts_the_shipped_experiments()
    {
        var output = new StringWriter();
        var files = Directory.GetFiles(Experiments, "gallup-*.json");
        Assert.Equal(0, CommandLine.Run(["validate", .. files], TextReader.Null, output, new StringWriter()));
        Assert.Equal(4, output.ToString().Split('\n').Count(l => l.StartsWith("ok ")));
    }

    [Fact]
    public void Validate_names_file_path_and_reason_and_exits_non_zero()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(Experiments, "gallup-pen.json")).Replace("\"firstWordGapMs\": 1000", "\"firstWordGapMs\": \"long\""));
        try
        {
            var error = new StringWriter();
            Assert.Equal(1, CommandLine.Run(["validate", broken], TextReader.Null, new StringWriter(), error));
            Assert.Contains($"{broken}: $.steps[id=pen].firstWordGapMs: \"long\" is of the wrong type", error.ToString());
        }
        finally { File.Delete(broken); }
    }

    [Theory]
    [InlineData(new[] { "validate", "a.json", "--experiments", "x" }, "validate", "--SelfRef:Experiments=x")]
    [InlineData(new[] { "--db", "other.db" }, "serve", "--SelfRef:Database=other.db")]
    [InlineData(new string[0], "serve", null)]
    [InlineData(new[] { "serve", "--urls", "http://127.0.0.1:6000" }, "serve", "--urls=http://127.0.0.1:6000")]
    [InlineData(new[] { "export", "--out", "x", "--SelfRef:Database", "y.db" }, "export", "--SelfRef:Database=y.db")]
    // A test host (WebApplicationFactory) passes its settings this way: each section empty, then its keys.
    [InlineData(new[] { "--urls=http://127.0.0.1:0", "--SelfRef=", "--SelfRef:Database=/tmp/t.db", "--environment=Development", "--contentRoot=/src", "--applicationName=SelfRef.Web" }, "serve", "--SelfRef:Database=/tmp/t.db")]
    public void The_verb_and_its_settings_are_read_from_the_command_line(string[] args, string verb, string? setting)
    {
        var command = CommandLine.Parse(args);
        Assert.Null(command.Problem);
        Assert.Equal(verb, command.Verb);
        Assert.Equal(verb == "serve", command.Serves);
        if (setting is not null) Assert.Contains(setting, command.Settings);
        else Assert.Empty(command.Settings);
    }
}

public class AnalyzeCommandTests
{
    [Fact]
    public void Analyze_writes_the_report_from_an_outcome_table()
    {
        var folder = Directory.CreateTempSubdirectory("selfref-analyze-csv-");
        try
        {
            var csv = Path.Combine(folder.FullName, "outcomes.csv");
            File.WriteAllLines(csv,
            [
                "participant,task,condition,self_reference,latency_ms,distance_km",
                "P-1,pen,a,1,900,", "P-2,pen,a,1,1200,", "P-3,pen,b,0,2500,", "P-4,pen,b,1,700,", "P-5,pen,b,,,",
                "P-1,map,a,1,3000,2.5", "P-2,map,b,0,4100,310",
            ]);
            var said = new StringWriter();
            var exit = Analyze(["analyze", "--outcomes", csv, "--out", Path.Combine(folder.FullName, "report")], said);
            Assert.Equal(0, exit);
            Assert.Contains("pen: 3/4 = 75", said.ToString());
            Assert.Contains("map: 1/2 = 50", said.ToString());
            Assert.True(File.Exists(Path.Combine(folder.FullName, "report", "report.html")));
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public void Analyze_names_the_line_and_column_of_a_bad_value()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(csv, ["participant,task,condition,self_reference,latency_ms,distance_km", "P-1,pen,a,1,fast,"]);
        try
        {
            var error = new StringWriter();
            Assert.Equal(1, CommandLine.Run(["analyze", "--outcomes", csv, "--out", Path.GetTempPath()], TextReader.Null, new StringWriter(), error));
            Assert.Contains("line 2", error.ToString());
            Assert.Contains("latency_ms", error.ToString());
        }
        finally { File.Delete(csv); }
    }

    [Fact]
    public void Analyze_without_a_source_says_what_it_needs() =>
        Assert.Equal(2, Analyze(["analyze", "--out", "x"], new StringWriter()));

    private static int Analyze(string[] args, StringWriter output) =>
        CommandLine.Run(args, TextReader.Null, output, new StringWriter());
}

public class CountryOutlineTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public void The_report_finds_the_country_outlines_in_the_server_and_in_the_analyze_verb()
    {
        var experiment = _factory.Services.GetRequiredService<SelfRef.Core.Sessions.SessionService>().Experiment("gallup-map")!;
        var served = Researcher.ExperimentAnalysis.Of(experiment, _factory.Store, _factory.Services).Options.CountryOutlines;
        var verb = Researcher.ExperimentAnalysis.Of(experiment, _factory.Store).Options.CountryOutlines;
        foreach (var path in new[] { served, verb })
        {
            Assert.NotNull(path);
            Assert.EndsWith("countries-110m.json", path);
            Assert.True(File.Exists(path), $"{path} does not exist");
        }
    }
}
