using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Sessions;

/// <summary>Pilot runs, exclusions and sessions pinned to their version, as the session rules keep them.</summary>
public sealed class StudyLifeTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("selfref-life-").FullName;
    private readonly LiteDbStore _store;
    private readonly ExperimentCatalog _catalog;
    private readonly SessionService _sessions;

    public StudyLifeTests()
    {
        _store = new LiteDbStore(_file.Path);
        Write(Replication());
        _catalog = ExperimentCatalog.Load(_folder, _store);
        _sessions = new SessionService(_store, _catalog, TimeProvider.System);
    }

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static JsonObject Replication() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-replication.json")))!.AsObject();

    private void Write(JsonObject experiment) => File.WriteAllText(Path.Combine(_folder, "replication.json"), experiment.ToJsonString());

    private const string Id = "gallup-replication";

    /// <summary>The replication without its map-first condition and its map step.</summary>
    private static JsonObject WithoutMapFirst()
    {
        var changed = Replication();
        var conditions = changed["conditions"]!.AsArray();
        conditions.Remove(conditions.First(c => (string)c!["id"]! == "map-first"));
        conditions[0]!["order"]!.AsArray().Remove(conditions[0]!["order"]!.AsArray().First(s => (string)s! == "map"));
        changed["steps"]!.AsArray().Remove(changed["steps"]!.AsArray().First(s => (string)s!["id"]! == "map"));
        return changed;
    }

    /// <summary>A clock that, asked the time once it is armed, first lets something happen: the file changing while a session is being made.</summary>
    private sealed class InterruptingClock : TimeProvider
    {
        private Action? _next;
        public void Before(Action next) => _next = next;
        public bool Happened => _next is null;
        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Exchange(ref _next, null)?.Invoke();
            return base.GetUtcNow();
        }
    }

    [Fact]
    public async Task A_pilot_runs_in_the_forced_condition_from_the_chosen_step_and_takes_no_slot()
    {
        var pilot = await _sessions.StartPilot(Id, "map-first", "en", "map", "agent");
        Assert.True(pilot.Pilot);
        Assert.Equal("map-first", pilot.ConditionId);
        Assert.Equal("map", pilot.CurrentStep);
        Assert.Equal(2, pilot.StepIndex);
        Assert.Equal(_catalog.History(Id)!.CurrentVersion!.Hash, pilot.Version);
        Assert.Equal(0, _sessions.Counts(Id).Started);

        // The first participant still gets slot 0, as if no pilot had run.
        var participant = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        Assert.Equal(0, participant.Slot);
        Assert.False(participant.Pilot);

        // A paused study can be previewed all the same.
        await _sessions.SetStatus(Id, ExperimentStatus.Paused, "researcher");
        Assert.True((await _sessions.StartPilot(Id, null, null, null, null)).Pilot);
    }

    [Theory]
    [InlineData("text-first", null, null, "has no condition 'text-first'; its conditions are pen-first, map-first")]
    [InlineData("pen-first", "fr", null, "is not offered in 'fr'; its languages are de, en")]
    [InlineData("pen-first", "de", "closing", "condition 'pen-first' of 'gallup-replication' has no step 'closing'; its steps are consent, intro, pen, map, about-you, debrief")]
    public async Task A_preview_of_something_the_experiment_does_not_have_says_what_it_has(string condition, string? language, string? step, string message)
    {
        var error = await Assert.ThrowsAsync<SessionException>(() => _sessions.StartPilot(Id, condition, language, step, null));
        Assert.Contains(message, error.Message);
        Assert.Empty(_store.SessionsOf(Id));
    }

    [Fact]
    public async Task Deleting_the_pilots_erases_them_only_and_logs_no_withdrawal()
    {
        var pilots = new[] { await _sessions.StartPilot(Id, null, null, null, null), await _sessions.StartPilot(Id, "map-first", null, null, null) };
        var participant = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        Assert.Equal(2, await _sessions.DeletePilots(Id));
        Assert.Equal([participant.Id], _store.SessionsOf(Id).Select(s => s.Id));
        Assert.All(pilots, p => Assert.Null(_store.FindSession(p.Id)));
        Assert.Empty(_store.Deletions());
    }

    [Fact]
    public async Task An_exclusion_needs_a_reason_names_sessions_not_of_the_study_and_can_be_undone()
    {
        var a = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        var b = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        Assert.Contains("needs a reason", (await Assert.ThrowsAsync<SessionException>(() => _sessions.SetExclusion(Id, [a.Id], "  ", "anna"))).Message);
        var unknown = await Assert.ThrowsAsync<SessionException>(() => _sessions.SetExclusion(Id, [a.Id, "P-NOBODY"], "bot", "anna"));
        Assert.Equal($"not a session of '{Id}': P-NOBODY; nothing was changed", unknown.Message);
        Assert.Null(_store.FindSession(a.Id)!.Exclusion);

        await _sessions.SetExclusion(Id, [a.Id, b.Id], " answered in 20 s ", "anna");
        var stored = _store.FindSession(a.Id)!.Exclusion!;
        Assert.Equal(("answered in 20 s", "anna"), (stored.Reason, stored.By));
        Assert.Equal(stored, _sessions.Find(a.Token)!.Exclusion);

        await _sessions.SetExclusion(Id, [a.Id], null, "anna");
        Assert.Null(_store.FindSession(a.Id)!.Exclusion);
        Assert.NotNull(_store.FindSession(b.Id)!.Exclusion);
    }

    [Fact]
    public async Task A_running_session_keeps_its_version_when_the_file_loses_its_condition_and_step()
    {
        var sessions = new[] { await _sessions.Start(Id, "en", new Dictionary<string, string>(), null), await _sessions.Start(Id, "en", new Dictionary<string, string>(), null) };
        var mapFirst = sessions.Single(s => s.ConditionId == "map-first");
        var first = _catalog.History(Id)!.CurrentVersion!.Hash;

        Write(WithoutMapFirst());
        await _catalog.Rescan();
        Assert.NotEqual(first, _catalog.History(Id)!.CurrentVersion!.Hash);

        // The map-first participant walks on through the map step the file no longer has.
        var session = mapFirst;
        foreach (var step in new[] { "consent", "intro", "map", "pen" }) session = await _sessions.Advance(session, step, null);
        Assert.Equal("about-you", session.CurrentStep);
        session = await _sessions.Advance(session, "about-you", new Dictionary<string, string?> { ["firstName"] = "Ada", ["surname"] = "L", ["hometown"] = "Köln", ["age"] = "36" });
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Equal(first, session.Version);
        Assert.Equal("map", _sessions.ExperimentOf(session).Steps.Single(s => s.Id == "map").Id);

        // A new participant gets the new version: one condition, no map.
        var late = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        Assert.Equal(_catalog.History(Id)!.CurrentVersion!.Hash, late.Version);
        Assert.DoesNotContain("map", late.Steps);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_changed_while_a_session_starts_pins_it_to_the_version_its_condition_and_steps_came_from(bool pilot)
    {
        var clock = new InterruptingClock();
        var sessions = new SessionService(_store, _catalog, clock);
        var first = _catalog.History(Id)!.CurrentVersion!.Hash;
        clock.Before(() =>
        {
            Write(WithoutMapFirst());
            _catalog.Rescan().GetAwaiter().GetResult();
        });
        var session = pilot
            ? await sessions.StartPilot(Id, "map-first", "en", null, null)
            : await sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        Assert.True(clock.Happened, "the file did not change while the session started");
        Assert.NotEqual(first, _catalog.History(Id)!.CurrentVersion!.Hash);

        // Its condition and steps are the first version's (the one read when it started): so is its version, which has them.
        Assert.Equal(first, session.Version);
        var version = _catalog.History(Id)!.Read(session.Version)!;
        Assert.Contains(version.EffectiveConditions, c => c.Id == session.ConditionId);
        Assert.All(session.Steps, step => Assert.Contains(version.Steps, s => s.Id == step));
    }

    [Fact]
    public async Task An_exclusion_names_sessions_by_pseudonym_so_a_participants_token_or_withdrawal_code_excludes_nobody()
    {
        var participant = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        foreach (var secret in new[] { participant.Token, participant.WithdrawalCode, participant.Id.ToLowerInvariant() })
        {
            var error = await Assert.ThrowsAsync<SessionException>(() => _sessions.SetExclusion(Id, [secret], "bot", "anna"));
            Assert.StartsWith($"not a session of '{Id}'", error.Message);
        }
        Assert.Null(_store.FindSession(participant.Id)!.Exclusion);
    }

    [Fact]
    public async Task A_language_chosen_from_a_version_the_file_no_longer_has_falls_back_to_the_served_versions_first()
    {
        // The participant link chose English from the file as it was; the file served when the session starts offers German only.
        var german = Replication();
        german["languages"] = new JsonArray("de");
        Write(german);
        await _catalog.Rescan();
        var session = await _sessions.Start(Id, "en", new Dictionary<string, string>(), null);
        Assert.Equal("de", session.Language);
    }
}
