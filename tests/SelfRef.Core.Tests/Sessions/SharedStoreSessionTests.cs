using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Storage.Postgres;
using SelfRef.Core.Tests.Storage;
using SelfRef.Tests.Support;

namespace SelfRef.Core.Tests.Sessions;

/// <summary>
/// Two server instances on one shared store (issue 17, item 2), as two session services on one
/// store that says it is shared: slots are chosen under the store's lock from what is stored, so
/// the assignment stays balanced and the target holds across instances; nothing about a session is
/// trusted from memory, so a session goes on at either instance and a withdrawal at one is final
/// at the other.
/// </summary>
public abstract class SharedStoreSessionTests : IDisposable
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock _clock = new();
    private readonly Experiment _shipped =
        ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-replication.json")).Experiment!;
    private (IStore A, IStore B)? _stores;

    /// <summary>The store instance A and instance B use: one store, or two stores on one database as two processes would have.</summary>
    protected abstract (IStore A, IStore B) OpenStores();

    public abstract void Dispose();

    private (IStore A, IStore B) Stores => _stores ??= OpenStores();

    /// <summary>How often the stores' slot locks were taken; null when the store cannot tell.</summary>
    protected virtual int? SlotLocksTaken => null;

    private (SessionService A, SessionService B) TwoInstances(Experiment experiment) =>
        (new SessionService(Stores.A, [experiment], _clock), new SessionService(Stores.B, [experiment], _clock));

    private static Task<Session> Start(SessionService instance, Experiment experiment) =>
        instance.Start(experiment.Id, "en", new Dictionary<string, string>(), "test-agent");

    [Fact]
    public async Task Two_hundred_participants_arriving_at_both_instances_at_once_get_distinct_slots_and_balanced_conditions()
    {
        var (a, b) = TwoInstances(_shipped);
        var started = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => Start(i % 2 == 0 ? a : b, _shipped))));

        Assert.Equal(Enumerable.Range(0, 200), started.Select(s => s.Slot).Order());
        var perCondition = started.GroupBy(s => s.ConditionId).ToDictionary(g => g.Key, g => g.Count());
        // Permuted blocks over slots 0..199: every block complete, so every condition exactly 100.
        Assert.Equal(new Dictionary<string, int> { ["pen-first"] = 100, ["map-first"] = 100 }, perCondition);
        Assert.All(started, s => Assert.Equal(
            _shipped.EffectiveConditions[BlockRandomization.ConditionOf(_shipped.Assignment.Seed, _shipped.EffectiveConditions.Count, s.Slot)].Id, s.ConditionId));
        if (SlotLocksTaken is { } locks) Assert.True(locks >= 200, "the instances chose slots without the store's lock");
    }

    [Fact]
    public async Task The_target_sample_size_holds_across_instances()
    {
        var experiment = _shipped with { TargetSampleSize = 10 };
        var (a, b) = TwoInstances(experiment);
        var tries = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            try { return await Start(i % 2 == 0 ? a : b, experiment); }
            catch (ExperimentUnavailableException) { return null; }
        })));

        Assert.Equal(10, tries.Count(s => s is not null));
        Assert.Equal(ExperimentStatus.Full, a.Status(experiment.Id));
        Assert.Equal(ExperimentStatus.Full, b.Status(experiment.Id));
    }

    [Fact]
    public async Task A_slot_freed_at_one_instance_goes_to_the_next_arrival_at_the_other()
    {
        var (a, b) = TwoInstances(_shipped);
        await Start(a, _shipped);
        var second = await Start(a, _shipped);
        await Start(a, _shipped);
        await a.Decline(second);

        // The lowest free slot is the declined one; the others are held, whichever instance holds them.
        var next = await Start(b, _shipped);
        Assert.Equal(1, second.Slot);
        Assert.Equal(1, next.Slot);
        Assert.Equal(3, (await Start(b, _shipped)).Slot);
    }

    [Fact]
    public async Task A_participant_who_started_at_one_instance_goes_on_at_the_other_and_back()
    {
        var (a, b) = TwoInstances(_shipped);
        var session = await Start(a, _shipped);
        Assert.NotNull(a.Find(session.Token));

        // Instance A dies; the proxy sends the participant to B, which finds them where they were.
        var atB = b.Find(session.Token)!;
        Assert.Equal("consent", atB.CurrentStep);
        var advanced = await b.Advance(atB, "consent", null);
        Assert.Equal("intro", advanced.CurrentStep);

        // A is back and the participant with it: A reads the step B moved them to, not its memory.
        var atA = a.Find(session.Token)!;
        Assert.Equal("intro", atA.CurrentStep);
        Assert.Equal("pen", (await a.Advance(atA, "intro", null)).CurrentStep);
        Assert.Equal("pen", b.Find(session.Token)!.CurrentStep);
    }

    [Fact]
    public async Task A_withdrawal_at_one_instance_is_final_at_the_other()
    {
        var (a, b) = TwoInstances(_shipped);
        var session = await Start(a, _shipped);
        var heldByA = a.Find(session.Token)!;

        await b.Withdraw(b.Find(session.Token)!);

        Assert.Null(a.Find(session.Token));
        // A change A was about to make to its copy writes nothing back.
        await a.Advance(heldByA, "consent", null);
        Assert.Null(Stores.A.FindSession(session.Id));
        Assert.Null(b.Find(session.Token));
    }

    [Fact]
    public async Task A_participant_streaming_at_one_instance_is_not_given_up_by_the_other_instances_sweep()
    {
        var experiment = _shipped with { Assignment = _shipped.Assignment with { AbandonAfterMinutes = 2 } };
        var (a, b) = TwoInstances(experiment);
        var session = await b.Advance(await Start(b, experiment), "consent", null);

        // Five minutes of event batches at B, one every 10 s: A hears nothing of them but what B stores.
        for (var i = 0; i < 30; i++)
        {
            _clock.Now += TimeSpan.FromSeconds(10);
            session = await b.Touch(b.Find(session.Token)!, "pen.points");
        }
        Assert.Equal(0, await a.ReleaseAbandoned());
        Assert.Equal(SessionStatus.Active, Stores.A.FindSession(session.Id)!.Status);

        // Silent for longer than allowed: either instance gives the slot up.
        _clock.Now += TimeSpan.FromMinutes(3);
        Assert.Equal(1, await a.ReleaseAbandoned());
        Assert.Equal(SessionStatus.Abandoned, Stores.A.FindSession(session.Id)!.Status);
    }
}

/// <summary>Two session services on one LiteDB store that says it is shared (the service's rules, without a database server).</summary>
public sealed class SharedLiteDbSessionTests : SharedStoreSessionTests
{
    private readonly TempDatabase _file = new();
    private LiteDbStore? _lite;
    private SharedLiteDbStore? _shared;

    protected override (IStore A, IStore B) OpenStores()
    {
        _lite = new LiteDbStore(_file.Path);
        _shared = new SharedLiteDbStore(_lite);
        return (_shared, _shared);
    }

    protected override int? SlotLocksTaken => _shared?.SlotLocksTaken;

    public override void Dispose()
    {
        _lite?.Dispose();
        _file.Dispose();
    }
}

/// <summary>Two PostgreSQL stores on one database, as two server processes have: slots held by PostgreSQL's advisory lock.</summary>
public sealed class PostgresSharedSessionTests : SharedStoreSessionTests
{
    private readonly PostgresCluster _cluster = PostgresCluster.Shared;
    private string? _database;
    private PostgresStore? _a, _b;

    protected override (IStore A, IStore B) OpenStores()
    {
        _database = _cluster.CreateDatabase();
        _a = new PostgresStore(_database);
        _b = new PostgresStore(_database);
        return (_a, _b);
    }

    public override void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
        if (_database is not null) _cluster.DropDatabase(_database);
    }
}
