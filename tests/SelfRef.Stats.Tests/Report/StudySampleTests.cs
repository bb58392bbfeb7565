using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Export;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;

namespace SelfRef.Stats.Tests.Report;

/// <summary>Versions, pilot runs and exclusions as the outcome table, the exports and the report account for them.</summary>
public sealed class StudySampleTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "selfref-sample-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static JsonObject Replication()
    {
        // The shipped experiment, from the checkout the tests run in.
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder!.FullName, "SelfRef.slnx"))) folder = folder.Parent;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(folder.FullName, "experiments", "gallup-replication.json")))!.AsObject();
    }

    private static ExperimentVersion Version(JsonObject experiment, int day) => new()
    {
        ExperimentId = "gallup-replication", Text = experiment.ToJsonString(), Hash = ExperimentVersion.HashOf(experiment.ToJsonString()),
        SeenAt = new DateTime(2026, 11, day, 9, 0, 0, DateTimeKind.Utc), File = "gallup-replication.json",
    };

    /// <summary>Version 1 as shipped; version 2 without the map step and the map-first condition, and a reworded pen instruction.</summary>
    private static (ExperimentHistory History, ExperimentVersion First, ExperimentVersion Second) TwoVersions()
    {
        var second = Replication();
        var conditions = second["conditions"]!.AsArray();
        conditions.Remove(conditions.First(c => (string)c!["id"]! == "map-first"));
        conditions[0]!["order"]!.AsArray().Remove(conditions[0]!["order"]!.AsArray().First(s => (string)s! == "map"));
        var steps = second["steps"]!.AsArray();
        steps.Remove(steps.First(s => (string)s!["id"]! == "map"));
        steps.First(s => (string)s!["id"]! == "pen")!["instruction"]!["en"] = "Try out the pen.";
        var v1 = Version(Replication(), 1);
        var v2 = Version(second, 2);
        return (new ExperimentHistory("gallup-replication", [v1, v2], v2.Hash), v1, v2);
    }

    private static Session Walked(string id, string version, string condition, IReadOnlyList<string> steps, bool pilot = false, string? excluded = null) => new()
    {
        Id = id, ExperimentId = "gallup-replication", Version = version, ConditionId = condition, Pilot = pilot,
        Exclusion = excluded is null ? null : new SessionExclusion(excluded, "anna", new DateTime(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc)),
        Status = SessionStatus.Completed, Steps = [.. steps], StepIndex = steps.Count - 1,
        StartedAt = new DateTime(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc).AddMinutes(id.GetHashCode() % 50 + 50),
        Outcomes = steps.Where(s => s is "pen" or "map").ToDictionary(s => s, s => new StoredOutcome { Task = s, Rule = 1, SelfReference = true, LatencyMs = 900 }),
    };

    [Fact]
    public void A_session_of_an_earlier_version_keeps_the_rows_of_steps_the_file_no_longer_has_and_names_its_version()
    {
        var (history, first, second) = TwoVersions();
        var sessions = new[]
        {
            Walked("P-OLDMAP", first.Hash, "map-first", ["consent", "intro", "map", "pen", "about-you", "debrief"]),
            Walked("P-NEWPEN", second.Hash, "pen-first", ["consent", "intro", "pen", "about-you", "debrief"]),
        };
        var rows = OutcomeDerivation.Rows(history, sessions).ToList();
        Assert.Equal([("P-OLDMAP", "map", 1), ("P-OLDMAP", "pen", 2), ("P-NEWPEN", "pen", 1)],
            rows.OrderBy(r => r.Participant != "P-OLDMAP").ThenBy(r => r.TaskOrder).Select(r => (r.Participant, r.Task, r.TaskOrder!.Value)));
        Assert.All(rows.Where(r => r.Participant == "P-OLDMAP"), r => Assert.Equal(first.Hash, r.Version));
        Assert.Contains(OutcomeDerivation.Funnel(history, sessions), stage => stage.Label == "reached map" && stage.Count == 1);
    }

    [Fact]
    public void The_report_names_the_pooled_versions_warns_that_their_task_steps_differ_and_counts_exclusions_by_reason()
    {
        var (history, first, second) = TwoVersions();
        var analysed = new[]
        {
            Walked("P-A", first.Hash, "pen-first", ["consent", "intro", "pen", "map", "about-you", "debrief"]),
            Walked("P-B", second.Hash, "pen-first", ["consent", "intro", "pen", "about-you", "debrief"]),
        };
        var versions = PooledVersion.Of(history, analysed);
        Assert.Equal([first.Hash, second.Hash], versions.Select(v => v.Hash));
        Assert.Equal(["map: not in this version", "pen: changed"], versions[1].TaskStepChanges);
        Assert.Empty(versions[0].TaskStepChanges);

        var options = new ReportOptions
        {
            ExperimentTitle = "Pooled",
            Versions = versions,
            Exclusions = [new ExclusionCount("answered in 20 s", 2), new ExclusionCount("test run by a colleague", 1)],
        };
        var output = ReplicationReport.Write(OutcomeDerivation.Rows(history, analysed).ToList(), options, _dir);
        var markdown = File.ReadAllText(output.MarkdownPath);
        Assert.Contains($"The sessions ran on 2 versions of the experiment file, pooled here: {first.Short}, first served 2026-11-01 09:00 UTC, 1 session(s); {second.Short}, first served 2026-11-02 09:00 UTC, 1 session(s).", markdown);
        Assert.Contains($"The pooled versions differ in their task steps, so their participants did not all do the same task: {second.Short} against {first.Short}: map: not in this version, pen: changed.", markdown);
        Assert.Contains("3 session(s) excluded by a researcher are left out. Reasons: answered in 20 s (2); test run by a colleague (1).", markdown);
        Assert.Contains("pooled here", File.ReadAllText(output.HtmlPath));
    }

    [Fact]
    public void A_report_of_one_version_says_so_and_warns_of_nothing()
    {
        var (history, first, _) = TwoVersions();
        var analysed = new[] { Walked("P-A", first.Hash, "pen-first", ["consent", "intro", "pen", "map", "about-you", "debrief"]) };
        var output = ReplicationReport.Write(OutcomeDerivation.Rows(history, analysed).ToList(), new ReportOptions { Versions = PooledVersion.Of(history, analysed) }, _dir);
        var markdown = File.ReadAllText(output.MarkdownPath);
        Assert.Contains($"All sessions ran on one version of the experiment file ({first.Short}, first served 2026-11-01 09:00 UTC).", markdown);
        Assert.DoesNotContain("differ in their task steps", markdown);
        Assert.DoesNotContain("excluded by a researcher", markdown);
    }

    [Fact]
    public void Marks_round_trip_through_the_outcome_csv_and_an_export_keeps_excluded_sessions_marked_and_pilots_out()
    {
        var (history, first, second) = TwoVersions();
        var sessions = new[]
        {
            Walked("P-KEPT", second.Hash, "pen-first", ["consent", "intro", "pen", "about-you", "debrief"]),
            Walked("P-OUT", first.Hash, "pen-first", ["consent", "intro", "pen", "map", "about-you", "debrief"], excluded: "spoke, wrote, \"typed\""),
            Walked("P-PILOT", second.Hash, "pen-first", ["consent", "intro", "pen", "about-you", "debrief"], pilot: true),
        };
        var rows = OutcomeDerivation.Rows(history, sessions).ToList();
        var text = new StringWriter();
        OutcomeCsv.Write(text, rows);
        var read = OutcomeCsv.Read(new StringReader(text.ToString()), "outcomes.csv");
        Assert.Equal(rows, read);
        Assert.Equal("spoke, wrote, \"typed\"", read.First(r => r.Participant == "P-OUT").ExclusionReason);
        Assert.True(read.First(r => r.Participant == "P-PILOT").Pilot);

        var files = new Dictionary<string, MemoryStream>();
        var source = new ExportSource(history.Latest, sessions, _ => []) { History = history };
        ExperimentExport.Write(source, new ExportOptions(ExportFormat.Csv, false, new DateTime(2026, 11, 5, 0, 0, 0, DateTimeKind.Utc)), name => files[name] = new MemoryStream());
        string Text(string name) => System.Text.Encoding.UTF8.GetString(files[name].ToArray());
        var outcomes = OutcomeCsv.Read(new StringReader(Text("outcomes.csv")), "outcomes.csv");
        Assert.DoesNotContain(outcomes, r => r.Participant == "P-PILOT");
        Assert.Contains(outcomes, r => r.Participant == "P-OUT" && r.Excluded && r.Version == first.Hash && r.Task == "map");
        var participants = Text("participants.csv").Split('\n');
        Assert.Contains("pilot,excluded,exclusion_reason,version", participants[0]);
        Assert.Contains(participants, line => line.StartsWith("P-OUT,") && line.Contains(",0,1,\"spoke, wrote, \"\"typed\"\"\"," + first.Hash));
        Assert.Contains("Pilot runs (researchers' previews) are left out.", Text("codebook.md"));
        Assert.Contains($"{first.Hash} (first served 2026-11-01 09:00 UTC, 1 session(s))", Text("codebook.md"));

        files.Clear();
        ExperimentExport.Write(source with { IncludePilots = true }, new ExportOptions(ExportFormat.Csv, false, DateTime.UtcNow), name => files[name] = new MemoryStream());
        Assert.Contains(OutcomeCsv.Read(new StringReader(Text("outcomes.csv")), "outcomes.csv"), r => r.Participant == "P-PILOT" && r.Pilot);
    }
}
