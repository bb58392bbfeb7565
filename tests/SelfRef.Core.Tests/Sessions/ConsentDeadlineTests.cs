using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Sessions;

/// <summary>
/// A link opened and left on the consent page (or opened by a script) holds a condition slot for
/// minutes, not for the hour after which silent sessions are given up; a participant who consents
/// later still goes on, and the slots stay one to one with the sessions that take part.
/// </summary>
public class ConsentDeadlineTests : IDisposable
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly TempDatabase _file = new();
    private readonly LiteDbStore _store;
    private readonly Clock _clock = new();
    private readonly Experiment _shipped;

    public ConsentDeadlineTests()
    {
        _shipped = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-replication.json")).Experiment!;
        _store = new LiteDbStore(_file.Path);
    }

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    private Experiment With(int? consentWithin = null, int? target = null) => _shipped with
    {
        Assignment = consentWithin is { } minutes ? _shipped.Assignment with { ConsentWithinMinutes = minutes } : _shipped.Assignment,
        TargetSampleSize = target ?? _shipped.TargetSampleSize,
    };

    private static Task<Session> Start(SessionService sessions, Experiment experiment) =>
        sessions.Start(experiment.Id, "en", new Dictionary<string, string>(), "test-agent");

    private void Minutes(double minutes) => _clock.Now += TimeSpan.FromMinutes(minutes);

    /// <summary>Every active or completed session holds its own slot, and the table counts exactly those.</summary>
    private void AssertSlotsMatchSessions(SessionService sessions, Experiment experiment)
    {
        var holding = _store.SessionsOf(experiment.Id).Where(s => s.Status is SessionStatus.Active or SessionStatus.Completed).ToList();
        Assert.Equal(holding.Count, holding.Select(s => s.Slot).Distinct().Count());
        Assert.All(holding, s => Assert.Equal(experiment.EffectiveConditions[BlockRandomization.ConditionOf(experiment.Assignment.Seed, experiment.EffectiveConditions.Count, s.Slot)].Id, s.ConditionId));
        var restarted = new SessionService(_store, [experiment], _clock);
        Assert.Equal(holding.Count >= experiment.TargetSampleSize ? ExperimentStatus.Full : ExperimentStatus.Open, restarted.Status(experiment.Id));
    }

    [Fact]
    public async Task A_session_that_does_not_consent_within_the_default_ten_minutes_gives_its_slot_to_the_next_arrival()
    {
        var experiment = With();
        Assert.Equal(10, experiment.Assignment.ConsentWithinMinutes);
        var sessions = new SessionService(_store, [experiment], _clock);
        var left = await Start(sessions, experiment);
        var agreed = await sessions.Advance(await Start(sessions, experiment), "consent", null);

        Minutes(9.5);
        Assert.Equal(0, await sessions.ReleaseAbandoned());
        Minutes(1);
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        Assert.Equal(SessionStatus.Abandoned, _store.FindSession(left.Id)!.Status);
        Assert.Equal(SessionStatus.Active, _store.FindSession(agreed.Id)!.Status);
        Assert.Equal(left.Slot, (await Start(sessions, experiment)).Slot);
        AssertSlotsMatchSessions(sessions, experiment);
    }

    [Fact]
    public async Task Signs_of_life_on_the_consent_page_do_not_keep_the_slot_past_the_deadline()
    {
        var experiment = With(consentWithin: 3);
        var sessions = new SessionService(_store, [experiment], _clock);
        var reloading = await Start(sessions, experiment);
        for (var i = 0; i < 4; i++)
        {
            Minutes(1);
            await sessions.Touch(sessions.Find(reloading.Token)!);
        }
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        Assert.Equal(SessionStatus.Abandoned, _store.FindSession(reloading.Id)!.Status);
    }

    [Fact]
    public async Task A_participant_who_consents_after_the_deadline_goes_on_with_the_lowest_free_slot_and_its_condition()
    {
        var experiment = With(consentWithin: 5);
        var sessions = new SessionService(_store, [experiment], _clock);
        var late = await Start(sessions, experiment);                         // slot 0
        Minutes(6);
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        var next = await Start(sessions, experiment);                         // takes slot 0
        var other = await Start(sessions, experiment);                        // slot 1
        Assert.Equal([0, 0, 1], new[] { late.Slot, next.Slot, other.Slot });

        // The page was open all along: the participant clicks "I agree" without any other request first.
        var goesOn = await sessions.Advance(sessions.Find(late.Token)!, "consent", null);
        Assert.Equal(SessionStatus.Active, goesOn.Status);
        Assert.Equal(2, goesOn.Slot);
        var condition = experiment.Conditions[BlockRandomization.ConditionOf(experiment.Assignment.Seed, 2, 2)];
        Assert.Equal(condition.Id, goesOn.ConditionId);
        Assert.Equal(ExperimentFlow.StepsFor(experiment, condition).Select(s => s.Id), goesOn.Steps);
        Assert.Equal(goesOn.Steps[1], goesOn.CurrentStep);
        AssertSlotsMatchSessions(sessions, experiment);
    }

    [Fact]
    public async Task A_late_consenter_whose_slot_is_still_free_takes_it_back_on_the_first_sign_of_life()
    {
        var experiment = With(consentWithin: 5);
        var sessions = new SessionService(_store, [experiment], _clock);
        var late = await Start(sessions, experiment);
        await Start(sessions, experiment);
        Minutes(6);
        Assert.Equal(2, await sessions.ReleaseAbandoned());
        var back = await sessions.Touch(sessions.Find(late.Token)!);
        Assert.Equal(SessionStatus.Active, back.Status);
        Assert.Equal(late.Slot, back.Slot);
        Assert.Equal(late.ConditionId, back.ConditionId);
        Assert.Equal("intro", (await sessions.Advance(back, "consent", null)).CurrentStep);
        AssertSlotsMatchSessions(sessions, experiment);
    }

    [Fact]
    public async Task A_late_consenter_goes_on_even_when_the_study_filled_up_meanwhile()
    {
        var experiment = With(consentWithin: 5, target: 2);
        var sessions = new SessionService(_store, [experiment], _clock);
        var late = await Start(sessions, experiment);
        Minutes(6);
        await sessions.ReleaseAbandoned();
        await Start(sessions, experiment);
        await Start(sessions, experiment);
        Assert.Equal(ExperimentStatus.Full, sessions.Status(experiment.Id));

        var goesOn = await sessions.Advance(sessions.Find(late.Token)!, "consent", null);
        Assert.Equal(SessionStatus.Active, goesOn.Status);
        Assert.Equal(2, goesOn.Slot);
        await Assert.ThrowsAsync<ExperimentUnavailableException>(() => Start(sessions, experiment));
        AssertSlotsMatchSessions(sessions, experiment);
    }

    [Fact]
    public async Task A_participant_silent_for_the_hour_after_consenting_takes_back_their_own_slot_if_it_is_free()
    {
        var experiment = With();
        var sessions = new SessionService(_store, [experiment], _clock);
        var quiet = await sessions.Advance(await Start(sessions, experiment), "consent", null);
        var busy = await sessions.Advance(await Start(sessions, experiment), "consent", null);
        Minutes(30);
        await sessions.Touch(busy);
        Minutes(31);
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        var back = await sessions.Touch(sessions.Find(quiet.Token)!);
        Assert.Equal((SessionStatus.Active, quiet.Slot, quiet.ConditionId), (back.Status, back.Slot, back.ConditionId));
        // The slot is held again: the next arrival gets a new one instead of sharing it.
        Assert.Equal(2, (await Start(sessions, experiment)).Slot);
        AssertSlotsMatchSessions(sessions, experiment);
    }
}
