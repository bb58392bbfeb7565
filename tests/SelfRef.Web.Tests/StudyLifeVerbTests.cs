using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;
using CommandLine = SelfRef.Web.Hosting.CommandLine;

namespace SelfRef.Web.Tests;

/// <summary>
/// The analyze and export verbs read a study as the server left it: pilot runs left out unless
/// --include-pilot, excluded sessions counted but not analysed unless --include-excluded (and
/// always in the exported files, marked).
/// </summary>
public sealed class StudyLifeVerbTests : IAsyncLifetime
{
    private readonly ExperimentFolder _folder = new();
    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("selfref-life-verbs-");
    private SelfRefFactory _server = null!;
    private string _kept = "", _excluded = "", _pilot = "";

    public async Task InitializeAsync()
    {
        _folder.Write("study", StudyChangeTests.Study());
        _server = new SelfRefFactory(experimentsFolder: _folder.Path);
        var sessions = _server.Services.GetRequiredService<SessionService>();
        _kept = sessions.Find(await StudyChangeTests.Walk(_server))!.Id;
        _excluded = sessions.Find(await StudyChangeTests.Walk(_server))!.Id;
        var pilot = await sessions.StartPilot("study", "pen-first", "en", null, null);
        await StudyChangeTests.WalkOn(_server, pilot.Token);
        _pilot = pilot.Id;
        await sessions.SetExclusion("study", [_excluded], "failed the attention check", "researcher");
        await _server.StopAsync();
    }

    public Task DisposeAsync()
    {
        _server.DeleteDatabase();
        _folder.Dispose();
        _out.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private (int Exit, string Output, string Error) Run(string verb, string folder, params string[] more)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandLine.Run([verb, "--experiment", "study", "--db", _server.DatabasePath, "--experiments", _folder.Path, "--out", Path.Combine(_out.FullName, folder), .. more],
            TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The participants whose rows the report analysed (the outcome table it writes beside itself).</summary>
    private static IReadOnlyList<string> Analysed(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "outcomes.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(new string[0], false, false)]
    [InlineData(new[] { "--include-pilot" }, true, false)]
    [InlineData(new[] { "--include-excluded" }, false, true)]
    [InlineData(new[] { "--include-pilot", "--include-excluded" }, true, true)]
    public void Analyze_leaves_out_pilot_runs_and_excluded_sessions_unless_asked_and_says_what_it_did(string[] options, bool pilots, bool excluded)
    {
        var (exit, _, error) = Run("analyze", "report", options);
        Assert.True(exit == 0, error);
        var folder = Path.Combine(_out.FullName, "report");
        var expected = new[] { _kept }.Concat(pilots ? [_pilot] : []).Concat(excluded ? [_excluded] : []).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, Analysed(folder));

        var report = File.ReadAllText(Directory.GetFiles(folder, "*.md").Single());
        Assert.Contains(excluded ? "1 session(s) excluded by a researcher are analysed anyway, as asked for. Reasons: failed the attention check (1)."
            : "1 session(s) excluded by a researcher are left out. Reasons: failed the attention check (1).", report);
        if (pilots) Assert.Contains("1 pilot run(s) (researchers' previews) are included, as asked for.", report);
        else
        {
            Assert.DoesNotContain("pilot run(s) (researchers' previews) are included", report);
            Assert.Contains("researchers' pilot runs are not counted", report); // the methods paragraph
        }
    }

    [Fact]
    public void Export_keeps_excluded_sessions_marked_and_pilot_runs_only_with_include_pilot()
    {
        var (plainExit, _, plainError) = Run("export", "plain");
        Assert.True(plainExit == 0, plainError);
        var plain = File.ReadAllText(Path.Combine(_out.FullName, "plain", "participants.csv"));
        Assert.Contains(_kept, plain);
        Assert.Contains(_excluded, plain);
        Assert.DoesNotContain(_pilot, string.Concat(Directory.GetFiles(Path.Combine(_out.FullName, "plain")).Select(File.ReadAllText)));
        var header = plain.Split('\n')[0].Split(',');
        var row = plain.Split('\n').Single(l => l.StartsWith(_excluded, StringComparison.Ordinal)).Split(',');
        Assert.Equal("failed the attention check", row[Array.IndexOf(header, "exclusion_reason")]);

        var (exit, output, error) = Run("export", "with-pilots", "--include-pilot");
        Assert.True(exit == 0, error);
        Assert.Contains("pilot runs included", output);
        var withPilots = File.ReadAllText(Path.Combine(_out.FullName, "with-pilots", "participants.csv"));
        var pilotRow = withPilots.Split('\n').Single(l => l.StartsWith(_pilot, StringComparison.Ordinal)).Split(',');
        Assert.Equal("1", pilotRow[Array.IndexOf(withPilots.Split('\n')[0].Split(','), "pilot")]);
    }

    [Fact]
    public void Prereg_counts_the_sessions_already_stored_and_analyze_names_an_exclusion_it_did_not_declare()
    {
        var (exit, output, error) = Run("prereg", "prereg.md");
        Assert.True(exit == 0, error);
        var draft = Path.Combine(_out.FullName, "prereg.md");
        Assert.Contains("Yes: the database already holds 2 session(s) of this experiment (researchers' pilot runs not counted).", File.ReadAllText(draft));
        Assert.Contains("analyze --experiment study --prereg", output);

        (exit, _, error) = Run("analyze", "against-prereg", "--prereg", draft);
        Assert.True(exit == 0, error);
        var report = File.ReadAllText(Path.Combine(_out.FullName, "against-prereg", "report.md"));
        Assert.Contains("Exclusion not preregistered: 1 session excluded by a researcher for \"failed the attention check\".", report);
        // The methods paragraph, from the database: the experiment, its one version, the step's own parameters.
        Assert.Contains("experiment \"study\", all sessions ran on one version of the experiment file", report);
        Assert.Contains("a pause longer than 1,000 ms", report);
        Assert.Contains("The study was preregistered on", report);

        (exit, _, error) = Run("prereg", "declared.md", "--exclusion-reason", "Failed the attention check");
        Assert.True(exit == 0, error);
        (exit, _, error) = Run("analyze", "declared", "--prereg", Path.Combine(_out.FullName, "declared.md"));
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("Exclusion not preregistered", File.ReadAllText(Path.Combine(_out.FullName, "declared", "report.md")));
    }
}
