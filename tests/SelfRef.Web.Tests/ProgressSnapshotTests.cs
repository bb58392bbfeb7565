using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

public class ProgressSnapshotTests
{
    private static readonly Experiment Replication =
        ExperimentLoader.LoadFile(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments", "gallup-replication.json")).Experiment!;

    private static readonly DateTime T0 = new(2026, 11, 29, 10, 0, 0, DateTimeKind.Utc);

    private static SessionSummary Summary(string id, string condition, int stepIndex, SessionStatus status, int minute)
    {
        var steps = condition == "pen-first"
            ? new[] { "consent", "intro", "pen", "map", "about-you", "debrief" }
            : new[] { "consent", "intro", "map", "pen", "about-you", "debrief" };
        var at = T0.AddMinutes(minute);
        return new SessionSummary(id, condition, steps, stepIndex, status, at, status is SessionStatus.Completed or SessionStatus.Declined ? at : null);
    }

    [Fact]
    public void Participants_are_placed_on_their_step_in_their_condition_and_drop_outs_listed_newest_first()
    {
        var sessions = new List<SessionSummary>
        {
            Summary("P-A", "pen-first", 2, SessionStatus.Active, 1),      // on pen now
            Summary("P-B", "map-first", 2, SessionStatus.Active, 2),      // on map now
            Summary("P-C", "map-first", 3, SessionStatus.Abandoned, 3),   // reached pen, gone
            Summary("P-D", "pen-first", 5, SessionStatus.Completed, 4),
            new("P-E", "", ["consent", "intro", "pen", "map", "about-you", "debrief"], 0, SessionStatus.Declined, T0.AddMinutes(5), T0.AddMinutes(5)),
        };
        var snapshot = ProgressSnapshot.Of(Replication, ExperimentStatus.Open, ExperimentStatus.Open, sessions);

        Assert.Equal(new ExperimentCounts(5, 2, 1, 1, 1), snapshot.Counts);
        Assert.Equal(["pen-first", "map-first"], snapshot.Conditions);
        StepCell? Cell(string step, int condition) => snapshot.Steps.Single(s => s.Id == step).Cells[condition];
        Assert.Equal(new StepCell(1, 2), Cell("pen", 0));
        Assert.Equal(new StepCell(0, 1), Cell("pen", 1));
        Assert.Equal(new StepCell(1, 2), Cell("map", 1));
        Assert.Equal(new StepCell(0, 2), Cell("consent", 1));
        Assert.Equal(new StepCell(0, 1), Cell("debrief", 0));
        Assert.Equal(["P-E", "P-D", "P-C"], snapshot.Recent.Select(r => r.Pseudonym));
        Assert.Equal(["declined", "completed", "abandoned"], snapshot.Recent.Select(r => r.Outcome));
    }

    [Fact]
    public void Only_the_latest_ten_endings_are_listed_and_the_status_is_named()
    {
        var sessions = Enumerable.Range(0, 15).Select(i => Summary($"P-{i:D2}", "pen-first", 5, SessionStatus.Completed, i)).ToList();
        var snapshot = ProgressSnapshot.Of(Replication, ExperimentStatus.Full, ExperimentStatus.Open, sessions);
        Assert.Equal(Enumerable.Range(5, 10).Reverse().Select(i => $"P-{i:D2}"), snapshot.Recent.Select(r => r.Pseudonym));
        Assert.Equal(("full", "open"), (snapshot.Status, snapshot.SetStatus));
    }

    [Fact]
    public void A_snapshot_of_a_large_study_allocates_what_it_lists_not_a_copy_of_every_session()
    {
        // Made twice a second while participants are busy: it copied, filtered and sorted every
        // session (a record per ended session; arrays on the large object heap past ~10,000),
        // which grew a busy server's heap by the minute. Counted in bytes, not time.
        var sessions = Enumerable.Range(0, 20_000).Select(i => Summary($"P-{i:D5}", i % 2 == 0 ? "pen-first" : "map-first", i % 6,
            (i % 5) switch { 0 => SessionStatus.Active, 1 => SessionStatus.Abandoned, _ => SessionStatus.Completed }, i % 600)).ToList();
        var summaries = new System.Collections.Concurrent.ConcurrentDictionary<string, SessionSummary>(sessions.ToDictionary(s => s.Id));
        ProgressSnapshot.Of(Replication, ExperimentStatus.Open, ExperimentStatus.Open, summaries.Select(s => s.Value), T0.AddMinutes(600));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var snapshot = ProgressSnapshot.Of(Replication, ExperimentStatus.Open, ExperimentStatus.Open, summaries.Select(s => s.Value), T0.AddMinutes(600));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(new ExperimentCounts(20_000, 4_000, 12_000, 0, 4_000), snapshot.Counts);
        Assert.Equal(ProgressSnapshot.RecentCount, snapshot.Recent.Count);
        Assert.Equal(ProgressSnapshot.MonitorCount, snapshot.Monitor.Count);
        // 20,000 sessions: a copy of their references alone is 160 KB, a record per ended one 900 KB.
        Assert.True(allocated < 64 * 1024, $"{allocated:N0} bytes allocated for one snapshot");
    }

    [Theory]
    [InlineData(new[] { "PROLIFIC_PID", "STUDY_ID", "SESSION_ID" }, "https://study.example.org/s/my-study?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}")]
    [InlineData(new[] { "PROLIFIC_PID" }, "https://study.example.org/s/my-study?PROLIFIC_PID={{%PROLIFIC_PID%}}")]
    [InlineData(new string[0], null)]
    public void The_prolific_link_asks_for_the_parameters_the_experiment_records(string[] parameters, string? expected)
    {
        var experiment = Replication with { Id = "my-study", Recruitment = Replication.Recruitment with { Parameters = [.. parameters] } };
        Assert.Equal("https://study.example.org/s/my-study", ParticipantLinks.Plain("https://study.example.org/", experiment));
        Assert.Equal(expected, ParticipantLinks.WithPlaceholders("https://study.example.org/", experiment));
    }
}
