using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Sessions;

public class SessionServiceTests : IDisposable
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly TempDatabase _file = new();
    private readonly LiteDbStore _store;
    private readonly Clock _clock = new();
    private readonly Experiment _experiment;
    private readonly SessionService _sessions;

    public SessionServiceTests()
    {
        var loaded = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-replication.json"));
        _experiment = loaded.Experiment!;
        _store = new LiteDbStore(_file.Path);
        _sessions = new SessionService(_store, [_experiment], _clock);
    }

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    private Task<Session> Start(Dictionary<string, string>? query = null) =>
        _sessions.Start(_experiment.Id, "de", query ?? [], "test-agent");

    [Fact]
    public async Task A_session_records_only_the_recruitment_parameters_the_experiment_names()
    {
        var session = await Start(new() { ["PROLIFIC_PID"] = "5f1a", ["STUDY_ID"] = "s1", ["utm_source"] = "mail", ["lang"] = "de" });
        Assert.Equal(new Dictionary<string, string> { ["PROLIFIC_PID"] = "5f1a", ["STUDY_ID"] = "s1" }, session.Recruitment);
        Assert.StartsWith("P-", session.Id);
        Assert.True(session.Token.Length >= 22);
        Assert.Equal(session, _sessions.Find(session.Token));
    }

    [Fact]
    public async Task Conditions_follow_the_seeded_blocks_and_set_the_step_order()
    {
        var sessions = new List<Session>();
        for (var i = 0; i < 6; i++) sessions.Add(await Start());
        Assert.Equal(
            Enumerable.Range(0, 6).Select(slot => _experiment.Conditions[BlockRandomization.ConditionOf(1902, 2, slot)].Id),
            sessions.Select(s => s.ConditionId));
        var mapFirst = sessions.First(s => s.ConditionId == "map-first");
        Assert.Equal(["consent", "intro", "map", "pen", "about-you", "debrief"], mapFirst.Steps);
    }

    [Fact]
    public async Task A_participant_walks_every_step_and_completes()
    {
        var session = await Start();
        foreach (var step in session.Steps.Take(4)) session = await _sessions.Advance(session, step, null);
        Assert.Equal("about-you", session.CurrentStep);
        var refused = await Assert.ThrowsAsync<SessionException>(() => _sessions.Advance(session, "about-you", new Dictionary<string, string?> { ["firstName"] = "Anna" }));
        Assert.Contains(refused.Problems, p => p.QuestionId == "surname" && p.Code == "required");
        session = await _sessions.Advance(session, "about-you", new Dictionary<string, string?>
        {
            ["firstName"] = "Anna", ["surname"] = "Müller", ["hometown"] = "Köln", ["age"] = "31",
        });
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Equal("debrief", session.CurrentStep);
        var stored = _store.FindSession(session.Id)!;
        Assert.Equal("Müller", stored.Answers["about-you.surname"]);
        Assert.Equal(6, stored.Visits.Count);
        Assert.All(stored.Visits.Take(5), v => Assert.NotNull(v.LeftAt));
    }

    [Fact]
    public async Task Sending_a_step_again_changes_nothing_and_skipping_ahead_is_refused()
    {
        var session = await Start();
        session = await _sessions.Advance(session, "consent", null);
        var again = await _sessions.Advance(session, "consent", null);
        Assert.Equal("intro", again.CurrentStep);
        var skip = await Assert.ThrowsAsync<SessionException>(() => _sessions.Advance(session, "about-you", null));
        Assert.Contains("not reached yet", skip.Message);
    }

    [Fact]
    public async Task Declining_keeps_nothing_but_the_refusal_and_frees_the_slot()
    {
        var session = await Start(new() { ["PROLIFIC_PID"] = "5f1a" });
        await _store.Append(session.Id, new EventBatch(1, "consent", [new ClientEvent(0, "step.onset", null)]));
        var refusal = await _sessions.Decline(session);
        Assert.Equal(SessionStatus.Declined, refusal.Status);
        var stored = _store.FindSession(session.Id)!;
        Assert.Empty(stored.Recruitment);
        Assert.Equal("", stored.ConditionId);
        Assert.Null(stored.UserAgent);
        Assert.Empty(_store.Events(session.Id));
        var next = await Start();
        Assert.Equal(session.Slot, next.Slot);
    }

    [Fact]
    public async Task Declining_after_consent_is_refused()
    {
        var session = await _sessions.Advance(await Start(), "consent", null);
        await Assert.ThrowsAsync<SessionException>(() => _sessions.Decline(session));
    }

    [Fact]
    public async Task A_silent_session_is_abandoned_after_the_timeout_and_its_slot_reused()
    {
        var quiet = await _sessions.Advance(await Start(), "consent", null);
        var busy = await _sessions.Advance(await Start(), "consent", null);
        _clock.Now += TimeSpan.FromMinutes(59);
        await _sessions.Touch(busy);
        _clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(1, await _sessions.ReleaseAbandoned());
        Assert.Equal(SessionStatus.Abandoned, _store.FindSession(quiet.Id)!.Status);
        Assert.Equal(SessionStatus.Active, _store.FindSession(busy.Id)!.Status);
        Assert.Equal(quiet.Slot, (await Start()).Slot);

        var back = await _sessions.Touch(_sessions.Find(quiet.Token)!);
        Assert.Equal(SessionStatus.Active, back.Status);
        Assert.Equal("intro", (await _sessions.Advance(back, "intro", null)).Steps[1]);
    }

    [Fact]
    public async Task Slots_of_stored_sessions_are_known_after_a_restart()
    {
        var first = await Start();
        var second = await Start();
        var restarted = new SessionService(_store, [_experiment], _clock);
        var third = await restarted.Start(_experiment.Id, "en", new Dictionary<string, string>(), null);
        Assert.Equal([0, 1, 2], new[] { first.Slot, second.Slot, third.Slot });
    }
}
