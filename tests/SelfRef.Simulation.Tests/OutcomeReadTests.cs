using System.Collections.Concurrent;
using System.Reflection;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Tests.Support;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Simulation.Tests;

/// <summary>
/// Issue 11.7: deriving outcomes was the server's largest allocation in the browser soak (an
/// allocation trace: half of all bytes). Each advance read and opened every stored event of the
/// session and derived every task step left, and so did every late batch of a step already left;
/// a session's events were read four or five times over. A derivation reads a step's own events,
/// the answers and the codes only, so an advance now derives the step it leaves (all of them when
/// answers changed) and a late batch its own step. These walks send what the simulator's
/// participants do, in small batches with each task step's last batch after the advance (as the
/// outbox sends it), and check both what was read and that the outcomes are what deriving
/// everything again gives.
/// </summary>
public sealed class OutcomeReadTests : IDisposable
{
    private static readonly Gazetteer Gazetteer = GazetteerFile.Shared(GazetteerFile.Locate());
    private static readonly Places Places = new(Gazetteer);
    private static readonly IReadOnlyList<Experiment> Experiments = ExperimentLoader.LoadFolder(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments"));
    private static readonly Dictionary<string, string> NoRecruitment = [];
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"selfref-reads-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var path in Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileNameWithoutExtension(_file) + "*")) File.Delete(path);
        if (Directory.Exists(_file + "-keys")) Directory.Delete(_file + "-keys", true);
    }

    public static IEnumerable<object[]> Shipped() => Experiments.Select(e => new object[] { e.Id });

    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task An_advance_and_a_late_batch_read_the_events_of_the_steps_whose_outcome_they_can_change_and_only_those(string experimentId)
    {
        var experiment = Experiments.Single(e => e.Id == experimentId);
        using var inner = new LiteDbStore(_file);
        var (store, reads) = CountedReads.Around(inner);
        var sessions = new SessionService(store, Experiments, TimeProvider.System, OfflineTaskServices.Deriver());
        var generator = new ParticipantGenerator(new Behaviour(), Places, 5);
        foreach (var participant in generator.CreateMany(6))
        {
            var session = await sessions.Start(experiment.Id, participant.Language, NoRecruitment, "agent");
            var condition = experiment.EffectiveConditions.Single(c => c.Id == session.ConditionId);
            var walk = OfflineWalk.Of(experiment, condition, generator, participant);
            Assert.Equal(session.Steps, walk.Steps.Select(w => w.Step.Id));
            long seq = 1;
            var left = new List<string>();
            foreach (var walked in walk.Steps.SkipLast(1))
            {
                var step = walked.Step;
                var isTask = StepTypes.TaskOf(step) is not null;
                // Small batches, as a page sends them every 250 ms.
                var batches = walked.Plan.Events.Chunk(7).Select(chunk => { var batch = new EventBatch(seq, step.Id, chunk, "tab"); seq += chunk.Length; return batch; }).ToList();
                var late = isTask && batches.Count > 1 ? batches[^1] : null;
                foreach (var batch in batches.Where(b => b != late)) await store.Append(session.Id, batch);
                var answersBefore = session.Answers.Count;

                reads.Clear();
                session = await sessions.Advance(session, step.Id, walked.Plan.Answers);
                if (isTask) left.Add(step.Id);
                var expected = session.Answers.Count != answersBefore ? left : isTask ? [step.Id] : [];
                Assert.True(expected.Order().SequenceEqual(reads.Steps.Order()),
                    $"{experimentId}, leaving '{step.Id}': read the events of [{string.Join(", ", reads.Steps.Order())}] in {reads.Count} read(s), expected [{string.Join(", ", expected.Order())}]");
                Assert.True(reads.Count <= 1, $"leaving '{step.Id}': {reads.Count} reads");

                if (late is null) continue;
                // The step's last batch after the advance: the hub asks the updater to derive that step again.
                await store.Append(session.Id, late);
                reads.Clear();
                session = await sessions.UpdateOutcomes(session, [step.Id]);
                Assert.Equal([step.Id], reads.Steps);
                Assert.Equal(1, reads.Count);
            }
            Assert.Equal(SessionStatus.Completed, session.Status);
            Assert.All(left, id => Assert.True(session.Outcomes.ContainsKey(id), $"{experimentId}: no outcome of '{id}'"));
        }
        // Deriving every step of every session again from everything stored changes nothing.
        var everything = OfflineTaskServices.Deriver();
        foreach (var stored in inner.SessionsOf(experiment.Id))
        {
            Assert.NotEmpty(stored.Outcomes);
            Assert.Null(everything.Derive(experiment, stored, inner.Events(stored.Id), inner.CodesOf(stored.Id), DateTime.UtcNow));
        }
        // And the researcher's `rederive --all` says so (it counted every ended session as changed: each is read back as a new copy).
        Assert.Equal(0, await sessions.Rederive(experiment.Id, RederiveScope.All));
    }

    // Name letters with the questionnaire first and a page after the task: nothing after the task
    // changes answers, so only the task's own leaving and its late batches derive it.
    private static Experiment QuestionsFirst()
    {
        var shipped = Experiments.Single(e => e.Id == "name-letters");
        var step = shipped.Steps.ToDictionary(s => s.Id);
        return shipped with { Steps = [step["consent"], step["about-you"], step["letters"], step["intro"], step["debrief"]] };
    }

    /// <summary>Walks to the task step, storing each step's events; returns the session on the task and the task's events as one batch.</summary>
    private static async Task<(Session Session, EventBatch Task)> ToTheTask(SessionService sessions, IStore store, Experiment experiment)
    {
        var generator = new ParticipantGenerator(new Behaviour(), Places, 3);
        var participant = generator.CreateMany(1).Single();
        var session = await sessions.Start(experiment.Id, participant.Language, NoRecruitment, "agent");
        var walk = OfflineWalk.Of(experiment, experiment.EffectiveConditions.Single(c => c.Id == session.ConditionId), generator, participant);
        long seq = 1;
        foreach (var walked in walk.Steps)
        {
            var batch = new EventBatch(seq, walked.Step.Id, walked.Plan.Events, "tab");
            seq += walked.Plan.Events.Count;
            if (walked.Step.Id == "letters") return (session, batch);
            await store.Append(session.Id, batch);
            session = await sessions.Advance(session, walked.Step.Id, walked.Plan.Answers);
        }
        throw new InvalidOperationException("no letters step");
    }

    private static async Task Finish(SessionService sessions, Session session)
    {
        while (session.StepIndex < session.Steps.Count - 1) session = await sessions.Advance(session, session.CurrentStep, null);
    }

    private static void AssertAsDerivedFromEverything(IStore store, Experiment experiment, string sessionId)
    {
        var stored = store.FindSession(sessionId)!;
        // Derived from the picks: the batch with them was read.
        Assert.Null(stored.Outcomes["letters"].MissingReason);
        Assert.NotNull(stored.Outcomes["letters"].SelfReference);
        Assert.Null(OfflineTaskServices.Deriver().Derive(experiment, stored, store.Events(sessionId), store.CodesOf(sessionId), DateTime.UtcNow));
    }

    [Fact]
    public async Task A_last_batch_whose_hub_found_the_step_current_is_derived_when_it_is_stored_after_the_advance()
    {
        var experiment = QuestionsFirst();
        using var store = new LiteDbStore(_file);
        var sessions = new SessionService(store, [experiment], TimeProvider.System, OfflineTaskServices.Deriver());
        var (session, letters) = await ToTheTask(sessions, store, experiment);
        // The hub found the session on the task step; the advance reads the step's events before the batch is stored.
        var mark = sessions.AdvanceMark(session.Token);
        var found = sessions.Find(session.Token)!;
        session = await sessions.Advance(session, "letters", null);
        Assert.NotNull(store.FindSession(session.Id)!.Outcomes["letters"].MissingReason);
        await store.Append(session.Id, letters);
        Assert.True(sessions.Appended(found, "letters", mark), "the step is left by the time the batch is stored: its outcome is due again");
        session = await sessions.UpdateOutcomes(session, ["letters"]);
        await Finish(sessions, session);
        AssertAsDerivedFromEverything(store, experiment, session.Id);
    }

    [Fact]
    public async Task A_last_batch_stored_while_the_advance_derives_is_derived_by_that_advance_once_it_has_stored_the_step_as_left()
    {
        var experiment = QuestionsFirst();
        using var inner = new LiteDbStore(_file);
        var (store, reads) = CountedReads.Around(inner);
        var sessions = new SessionService(store, [experiment], TimeProvider.System, OfflineTaskServices.Deriver());
        var (session, letters) = await ToTheTask(sessions, store, experiment);
        var mark = sessions.AdvanceMark(session.Token);
        var found = sessions.Find(session.Token)!;
        bool? due = null;
        // The batch commits after the advance read the step's events, and its hub asks before the advance has stored.
        reads.AfterNextRead = () =>
        {
            inner.Append(session.Id, letters).GetAwaiter().GetResult();
            due = sessions.Appended(found, "letters", mark);
        };
        reads.Clear();
        session = await sessions.Advance(session, "letters", null);
        Assert.Equal(false, due);
        Assert.Equal(2, reads.Count);
        await Finish(sessions, session);
        AssertAsDerivedFromEverything(store, experiment, session.Id);
    }

    [Fact]
    public async Task An_advance_whose_second_derivation_fails_is_stored_and_hands_the_step_to_be_derived_later()
    {
        var experiment = QuestionsFirst();
        using var inner = new LiteDbStore(_file);
        var (store, reads) = CountedReads.Around(inner);
        var sessions = new SessionService(store, [experiment], TimeProvider.System, OfflineTaskServices.Deriver());
        var later = new List<(string Session, string[] Steps)>();
        sessions.DeriveLater += (s, steps) => later.Add((s.Id, steps.ToArray()));
        var (session, letters) = await ToTheTask(sessions, store, experiment);
        var mark = sessions.AdvanceMark(session.Token);
        var found = sessions.Find(session.Token)!;
        reads.AfterNextRead = () =>
        {
            inner.Append(session.Id, letters).GetAwaiter().GetResult();
            Assert.False(sessions.Appended(found, "letters", mark));
            // The advance's second read (for the batch that crossed it) fails.
            reads.FailNextRead = true;
        };
        session = await sessions.Advance(session, "letters", null);
        Assert.Equal("intro", session.CurrentStep);
        Assert.Equal("intro", inner.FindSession(session.Id)!.CurrentStep);
        var handed = Assert.Single(later);
        Assert.Equal(session.Id, handed.Session);
        Assert.Equal(["letters"], handed.Steps);
    }

    [Fact]
    public async Task A_batch_of_a_step_not_left_whose_stripe_stored_no_advance_since_is_not_due()
    {
        var experiment = QuestionsFirst();
        using var store = new LiteDbStore(_file);
        var sessions = new SessionService(store, [experiment], TimeProvider.System, OfflineTaskServices.Deriver());
        var session = await sessions.Start(experiment.Id, "de", NoRecruitment, "agent");
        var mark = sessions.AdvanceMark(session.Token);
        Assert.False(sessions.Appended(session, "letters", mark));
        Assert.False(sessions.Appended(session, "consent", mark));
        Assert.False(sessions.Appended(session, "no-such-step", mark));
    }

    [Fact]
    public async Task A_late_batch_whose_derivation_failed_once_is_derived_when_the_updater_tries_again()
    {
        var experiment = QuestionsFirst();
        using var inner = new LiteDbStore(_file);
        var (store, reads) = CountedReads.Around(inner);
        var sessions = new SessionService(store, [experiment], TimeProvider.System, OfflineTaskServices.Deriver());
        var (session, letters) = await ToTheTask(sessions, store, experiment);
        session = await sessions.Advance(session, "letters", null);
        await store.Append(session.Id, letters);
        // The store does not answer the updater's first read (as a restarting database would not).
        reads.FailNextRead = true;
        var updater = new OutcomeUpdater(sessions, Microsoft.Extensions.Logging.Abstractions.NullLogger<OutcomeUpdater>.Instance);
        await updater.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(sessions.Appended(session, "letters", sessions.AdvanceMark(session.Token)));
            updater.Request(session, "letters");
            // Polled until derived; the limit only catches a hang (the retry comes after OutcomeUpdater.RetryAfter).
            var limit = DateTime.UtcNow + OutcomeUpdater.RetryAfter + TimeSpan.FromSeconds(60);
            while (inner.FindSession(session.Id)!.Outcomes["letters"].MissingReason is not null && DateTime.UtcNow < limit) await Task.Delay(100);
            Assert.False(reads.FailNextRead, "the updater never read");
            Assert.Null(inner.FindSession(session.Id)!.Outcomes["letters"].MissingReason);
        }
        finally { await updater.StopAsync(CancellationToken.None); }
    }

    /// <summary>The store, recording which steps' events each read asked for (every step: "*").</summary>
    public class CountedReads : DispatchProxy
    {
        private IStore _inner = null!;
        private readonly ConcurrentQueue<string> _steps = new();
        private int _count;

        public static (IStore Store, CountedReads Reads) Around(IStore store)
        {
            var proxy = Create<IStore, CountedReads>();
            ((CountedReads)(object)proxy)._inner = store;
            return (proxy, (CountedReads)(object)proxy);
        }

        public int Count => _count;

        /// <summary>Runs once after the next read of events returned (a batch stored while a derivation runs).</summary>
        public Action? AfterNextRead { get => _afterNextRead; set => _afterNextRead = value; }
        private Action? _afterNextRead;
        public IReadOnlyList<string> Steps => _steps.ToList();

        public void Clear()
        {
            _steps.Clear();
            _count = 0;
        }

        /// <summary>The next read of events throws (once).</summary>
        public bool FailNextRead { get => Volatile.Read(ref _failNextRead) == 1; set => Volatile.Write(ref _failNextRead, value ? 1 : 0); }
        private int _failNextRead;

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IStore.Events) && Interlocked.Exchange(ref _failNextRead, 0) == 1)
                throw new StoreUnavailableException("the store does not answer (test)");
            if (method.Name == nameof(IStore.Events))
            {
                Interlocked.Increment(ref _count);
                if (args is [_, IEnumerable<string> steps]) foreach (var step in steps) _steps.Enqueue(step);
                else _steps.Enqueue("*");
            }
            try
            {
                var result = method.Invoke(_inner, args);
                if (method.Name == nameof(IStore.Events) && Interlocked.Exchange(ref _afterNextRead, null) is { } after) after();
                return result;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
