using System.Collections.Concurrent;
using System.Reflection;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Sessions;

/// <summary>
/// Issue 11.6, "memory flat": the server held every session it had seen (the session, its last
/// sign of life, its last event, a lock) for as long as it ran, so the 10-minute browser soak's
/// memory grew with every finished visit. It now holds the sessions under way only; an ended one
/// is read from the store when asked for, and a read never puts an older state back.
/// </summary>
public sealed class SessionMemoryTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly LiteDbStore _store;
    private readonly Experiment _experiment = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-replication.json")).Experiment!;

    public SessionMemoryTests() => _store = new LiteDbStore(_file.Path);

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    private static readonly Dictionary<string, string> NoRecruitment = [];
    private static readonly Dictionary<string, string?> AboutYou = new() { ["firstName"] = "Anna", ["surname"] = "Müller", ["hometown"] = "Köln", ["age"] = "31" };

    private static async Task<Session> Finish(SessionService sessions, Session session)
    {
        while (session.Status == SessionStatus.Active && session.StepIndex < session.Steps.Count - 1)
        {
            var step = session.CurrentStep;
            session = await sessions.Advance(session, step, step == "about-you" ? AboutYou : null);
        }
        return session;
    }

    [Fact]
    public async Task Finished_and_declined_sessions_leave_memory_and_are_still_found_as_stored()
    {
        var sessions = new SessionService(_store, [_experiment], TimeProvider.System);
        var finished = new List<Session>();
        var declined = new List<Session>();
        var running = new List<Session>();
        for (var i = 0; i < 30; i++)
        {
            var session = await sessions.Start(_experiment.Id, "de", NoRecruitment, "agent");
            await sessions.Touch(session, "step.onset");
            if (i % 3 == 0) finished.Add(await Finish(sessions, session));
            else if (i % 3 == 1) declined.Add(await sessions.Decline(session));
            else running.Add(await sessions.Advance(session, "consent", null));
        }
        Assert.All(finished, s => Assert.Equal(SessionStatus.Completed, s.Status));

        // A late batch of a finished session (a second tab) is a sign of life, but brings nothing back.
        foreach (var session in finished) await sessions.Touch(sessions.Find(session.Token)!, "pen.stroke");

        Assert.Equal((running.Count, running.Count, running.Count), sessions.InMemory);
        foreach (var session in finished.Concat(declined))
        {
            var found = sessions.Find(session.Token);
            Assert.NotNull(found);
            Assert.Equal(session.Status, found.Status);
            Assert.Equal(session.StepIndex, found.StepIndex);
        }
        Assert.Equal(running.Count, sessions.InMemory.Sessions);
        foreach (var session in running) Assert.Same(sessions.Find(session.Token), sessions.Find(session.Token));
    }

    [Fact]
    public async Task An_abandoned_session_leaves_memory_and_comes_back_when_its_participant_does()
    {
        var clock = new ManualClock();
        var sessions = new SessionService(_store, [_experiment], clock);
        var session = await sessions.Advance(await sessions.Start(_experiment.Id, "de", NoRecruitment, "agent"), "consent", null);
        clock.Now += TimeSpan.FromMinutes(_experiment.Assignment.AbandonAfterMinutes + 1);
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        Assert.Equal((0, 0, 0), sessions.InMemory);

        var back = await sessions.Touch(sessions.Find(session.Token)!, "step.onset");
        Assert.Equal(SessionStatus.Active, back.Status);
        Assert.Equal(1, sessions.InMemory.Sessions);
        Assert.Equal(SessionStatus.Active, _store.FindSessionByToken(session.Token)!.Status);
    }

    [Fact]
    public async Task After_a_first_check_abandoned_sessions_are_found_without_reading_every_stored_session()
    {
        var clock = new ManualClock();
        var before = new SessionService(_store, [_experiment], clock);
        var fromBeforeTheStart = await before.Advance(await before.Start(_experiment.Id, "de", NoRecruitment, "agent"), "consent", null);
        var finished = await Finish(before, await before.Start(_experiment.Id, "de", NoRecruitment, "agent"));

        // A restart: the session under way is in the store only.
        var (store, counted) = SlowReads.Around(_store);
        var sessions = new SessionService(store, [_experiment], clock);
        var startedSince = await sessions.Advance(await sessions.Start(_experiment.Id, "de", NoRecruitment, "agent"), "consent", null);
        counted.Calls.Clear();
        Assert.Equal(0, await sessions.ReleaseAbandoned());
        Assert.Equal(1, counted.Calls.GetValueOrDefault(nameof(IStore.SessionsOf)));

        clock.Now += TimeSpan.FromMinutes(_experiment.Assignment.AbandonAfterMinutes + 1);
        counted.Calls.Clear();
        Assert.Equal(2, await sessions.ReleaseAbandoned());
        Assert.Equal(0, counted.Calls.GetValueOrDefault(nameof(IStore.SessionsOf)));
        Assert.Equal(SessionStatus.Abandoned, _store.FindSessionByToken(fromBeforeTheStart.Token)!.Status);
        Assert.Equal(SessionStatus.Abandoned, _store.FindSessionByToken(startedSince.Token)!.Status);
        Assert.Equal(SessionStatus.Completed, _store.FindSessionByToken(finished.Token)!.Status);
        Assert.Equal((0, 0, 0), sessions.InMemory);

        // A participant who comes back is under way again, and is found abandoned again by the cache alone.
        await sessions.Touch(sessions.Find(startedSince.Token)!, "step.onset");
        clock.Now += TimeSpan.FromMinutes(_experiment.Assignment.AbandonAfterMinutes + 1);
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        Assert.Equal(0, counted.Calls.GetValueOrDefault(nameof(IStore.SessionsOf)));
    }

    [Fact]
    public async Task A_lookup_that_read_the_store_before_a_session_finished_never_puts_the_running_state_back()
    {
        var (store, slow) = SlowReads.Around(_store);
        var sessions = new SessionService(store, [_experiment], TimeProvider.System);
        var session = await sessions.Start(_experiment.Id, "de", NoRecruitment, "agent");
        foreach (var step in session.Steps.Take(session.Steps.Count - 2)) session = await sessions.Advance(session, step, step == "about-you" ? AboutYou : null);
        // A fresh server state for this token: the next lookup misses and reads the store.
        var fresh = new SessionService(store, [_experiment], TimeProvider.System);

        // The lookup reads the running session, then waits before it can cache what it read...
        var reading = slow.Pause(session.Token);
        var lookup = Task.Run(() => fresh.Find(session.Token));
        await reading.Read;
        // ...while the participant's last step finishes the session.
        var finishing = Task.Run(() => fresh.Advance(session, session.CurrentStep, session.CurrentStep == "about-you" ? AboutYou : null));
        await Task.Delay(100);
        reading.Release();
        var found = await lookup;
        var finished = await finishing;

        Assert.Equal(SessionStatus.Active, found!.Status);
        Assert.Equal(SessionStatus.Completed, finished.Status);
        Assert.Equal(SessionStatus.Completed, fresh.Find(session.Token)!.Status);
        Assert.Equal(0, fresh.InMemory.Sessions);
    }

    [Fact]
    public async Task A_sign_of_life_on_the_copy_from_before_the_session_ended_keeps_nothing_in_memory()
    {
        var sessions = new SessionService(_store, [_experiment], TimeProvider.System);
        var running = await sessions.Advance(await sessions.Start(_experiment.Id, "de", NoRecruitment, "agent"), "consent", null);
        // The hub found the session while it ran; its last step finished it before the batch's Touch.
        await Finish(sessions, running);
        await sessions.Touch(running, "pen.stroke");
        Assert.Equal((0, 0, 0), sessions.InMemory);
    }

    [Fact]
    public async Task A_decline_that_arrives_after_the_withdrawal_writes_nothing_of_the_withdrawn_participant_back()
    {
        var sessions = new SessionService(_store, [_experiment], TimeProvider.System);
        var session = await sessions.Start(_experiment.Id, "de", NoRecruitment, "agent");
        // Two tabs: one withdraws, the other (still on the consent page) declines just after.
        await sessions.Withdraw(session);
        await sessions.Decline(session);
        Assert.Null(_store.FindSessionByToken(session.Token));
        Assert.Null(sessions.Find(session.Token));
        Assert.Empty(_store.SessionsOf(_experiment.Id));
        Assert.Equal((0, 0, 0), sessions.InMemory);
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>The store, with a session lookup by token that can be held after it read (as a busy store's read may be).</summary>
    public class SlowReads : DispatchProxy
    {
        private IStore _inner = null!;
        private readonly ConcurrentDictionary<string, Hold> _holds = new(StringComparer.Ordinal);

        /// <summary>How often each of the store's methods was called.</summary>
        public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

        public static (IStore Store, SlowReads Holds) Around(IStore store)
        {
            var proxy = Create<IStore, SlowReads>();
            ((SlowReads)(object)proxy)._inner = store;
            return (proxy, (SlowReads)(object)proxy);
        }

        public Hold Pause(string token) => _holds[token] = new Hold();

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            try
            {
                Calls.AddOrUpdate(method!.Name, 1, (_, n) => n + 1);
                var result = method.Invoke(_inner, args);
                if (method.Name == nameof(IStore.FindSessionByToken) && _holds.TryRemove((string)args![0]!, out var hold))
                {
                    hold.Reached();
                    hold.Wait();
                }
                return result;
            }
            catch (TargetInvocationException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!); throw; }
        }

        public sealed class Hold
        {
            private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly ManualResetEventSlim _go = new();
            public Task Read => _read.Task;
            public void Reached() => _read.TrySetResult();
            public void Wait() => _go.Wait(TimeSpan.FromMinutes(1));
            public void Release() => _go.Set();
        }
    }
}
