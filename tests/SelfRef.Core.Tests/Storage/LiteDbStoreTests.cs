using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tests.Storage;

public class LiteDbStoreTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly LiteDbStore _store;

    public LiteDbStoreTests()
    {
        _store = new LiteDbStore(_file.Path);
        foreach (var id in new[] { "P-A", "P-B", "P-AB" }) Insert(_store, id).GetAwaiter().GetResult();
    }

    // A batch belongs to a stored session: its keys seal it.
    private static Task Insert(IStore store, string id) =>
        store.InsertSession(new Session { Id = id, Token = "token-" + id, ExperimentId = "x", Steps = ["consent", "pen"], StepIndex = 1 });

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    private static EventBatch Batch(long seq, int count, string step = "pen") =>
        new(seq, step, Enumerable.Range(0, count)
            .Select(i => new ClientEvent(i * 8.5, "pen.point", JsonDocument.Parse($$"""{"x":{{i}},"y":0.5,"p":0.25}""").RootElement.Clone()))
            .ToList());

    private long StoredEventCount(string session) => _store.Events(session).Sum(b => b.Events.Count);

    [Fact]
    public async Task A_batch_is_stored_as_one_document_and_acknowledged_with_its_last_number()
    {
        Assert.Equal(3, await _store.Append("P-A", Batch(1, 3)));
        Assert.Equal(5, await _store.Append("P-A", Batch(4, 2)));
        var batches = _store.Events("P-A");
        Assert.Equal([1L, 4L], batches.Select(b => b.Seq));
        Assert.Equal([1L, 2, 3, 4, 5], batches.SelectMany(b => b.Events).Select(e => e.N));
        Assert.Equal("""{"x":1,"y":0.5,"p":0.25}""", batches[0].Events[1].DataJson);
        Assert.Equal(8.5, batches[0].Events[1].T);
        Assert.Equal(DateTimeKind.Utc, batches[0].ReceivedAt.Kind);
    }

    [Fact]
    public async Task The_same_batch_twice_is_stored_once()
    {
        await _store.Append("P-A", Batch(1, 4));
        Assert.Equal(4, await _store.Append("P-A", Batch(1, 4)));
        Assert.Equal(4, StoredEventCount("P-A"));
    }

    [Fact]
    public async Task A_batch_overlapping_what_is_durable_stores_only_its_new_tail()
    {
        await _store.Append("P-A", Batch(1, 4));
        Assert.Equal(6, await _store.Append("P-A", Batch(3, 4)));
        Assert.Equal([1L, 2, 3, 4, 5, 6], _store.Events("P-A").SelectMany(b => b.Events).Select(e => e.N));
    }

    [Fact]
    public async Task A_gap_is_refused_and_nothing_is_stored()
    {
        await _store.Append("P-A", Batch(1, 2));
        var refused = await Assert.ThrowsAsync<BatchRefusedException>(() => _store.Append("P-A", Batch(5, 1)));
        Assert.Contains("expected is 3", refused.Message);
        Assert.Equal(2, StoredEventCount("P-A"));
        Assert.Equal(3, await _store.Append("P-A", Batch(3, 1)));
    }

    [Fact]
    public async Task Sessions_number_their_events_independently()
    {
        await _store.Append("P-A", Batch(1, 2));
        await _store.Append("P-B", Batch(1, 3));
        Assert.Equal(2, _store.DurableSeq("P-A"));
        Assert.Equal(3, _store.DurableSeq("P-B"));
    }

    [Fact]
    public async Task Two_tabs_of_one_session_number_their_events_in_streams_of_their_own()
    {
        Assert.Equal(3, await _store.Append("P-A", Batch(1, 3) with { Stream = "tab1" }));
        Assert.Equal(2, await _store.Append("P-A", Batch(1, 2) with { Stream = "tab2" }));
        Assert.Equal(3, await _store.Append("P-A", Batch(1, 3) with { Stream = "tab1" }));
        Assert.Equal(3, _store.DurableSeq("P-A", "tab1"));
        Assert.Equal(2, _store.DurableSeq("P-A", "tab2"));
        Assert.Equal(0, _store.DurableSeq("P-A"));
        var batches = _store.Events("P-A");
        Assert.Equal(["tab1", "tab2"], batches.Select(b => b.Stream));
        Assert.Equal(5, batches.Sum(b => b.Events.Count));
    }

    private static ClientEvent Onset(double at) =>
        new(0, "step.onset", JsonDocument.Parse($$"""{"index":1,"wall":{{at}},"timeOrigin":0,"at":{{at}},"viewport":{"width":800,"height":600},"coarsePointer":false}""").RootElement.Clone());

    [Fact]
    public async Task A_step_is_read_from_every_tab_and_reload_on_the_clock_of_its_first_onset()
    {
        // Tab one shows the step at 1,000 ms and draws at 100 ms; a second tab shows it 5 s later and draws at 50 ms;
        // tab one is reloaded 10 s after its first onset and draws at 20 ms.
        ClientEvent Point(double t) => new(t, "pen.point", JsonDocument.Parse("""{"x":0.5}""").RootElement.Clone());
        await _store.Append("P-A", new EventBatch(1, "pen", [Onset(1_000), Point(100)], "first"));
        await _store.Append("P-A", new EventBatch(1, "pen", [Onset(6_000), Point(50)], "second"));
        await _store.Append("P-A", new EventBatch(3, "pen", [Onset(11_000), Point(20)], "first"));
        var events = StepEvents.Of(_store.Events("P-A"), "pen");
        Assert.Equal([0.0, 100, 5_000, 5_050, 10_000, 10_020], events.Select(e => e.T));
        Assert.Equal([0, 0, 2, 2, 1, 1], events.Select(e => e.Segment));
        Assert.Equal([0.0, 0, 5_000, 5_000, 10_000, 10_000], events.Select(e => e.Offset));
    }

    [Fact]
    public async Task Concurrent_batches_are_committed_in_groups_and_none_is_lost()
    {
        const int sessions = 40, batchesEach = 50, size = 5;
        for (var s = 0; s < sessions; s++) await Insert(_store, $"P-{s}");
        var (writesBefore, commitsBefore, _) = _store.WriterCounters;
        var work = Enumerable.Range(0, sessions).Select(s => Task.Run(async () =>
        {
            for (var b = 0; b < batchesEach; b++) await _store.Append($"P-{s}", Batch(1 + b * size, size));
        }));
        await Task.WhenAll(work);
        for (var s = 0; s < sessions; s++) Assert.Equal(batchesEach * size, _store.DurableSeq($"P-{s}"));
        var (writes, commits, _) = _store.WriterCounters;
        Assert.Equal(sessions * batchesEach, writes - writesBefore);
        Assert.True(commits - commitsBefore < writes - writesBefore, $"{writes - writesBefore} writes took {commits - commitsBefore} commits: no group commit happened");
    }

    [Fact]
    public async Task A_write_that_fails_inside_a_group_fails_alone_and_memory_stays_what_the_file_holds()
    {
        const int streams = 50, batchesEach = 40, size = 3;
        for (var s = 0; s < streams; s++) await Insert(_store, $"P-S{s}");
        var injected = 0;
        // LiteDB throws while storing one participant's batch, after it began writing, in the middle of everyone's group.
        _store.AfterBatchInsert = (session, batch) =>
        {
            if (session == "P-S7" && batch.Seq % 4 == 1 && ++injected <= 6) throw new InvalidOperationException("injected: the database could not store this batch");
        };
        var othersFailed = 0;
        var resent = 0;
        var work = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            for (var b = 0; b < batchesEach; b++)
            {
                while (true)
                {
                    try
                    {
                        Assert.Equal(1 + b * size + size - 1, await _store.Append($"P-S{s}", Batch(1 + b * size, size)));
                        break;
                    }
                    catch (InvalidOperationException) when (s == 7) { Interlocked.Increment(ref resent); }
                    catch { Interlocked.Increment(ref othersFailed); throw; }
                }
            }
        }));
        await Task.WhenAll(work);
        Assert.Equal(0, othersFailed);
        Assert.Equal(6, resent);
        Assert.True(_store.WriterCounters.Retries >= 6, "the failing write was never retried apart from its group");
        for (var s = 0; s < streams; s++) Assert.Equal(batchesEach * size, _store.DurableSeq($"P-S{s}"));

        _store.Dispose();
        using var reopened = new LiteDbStore(_file.Path);
        for (var s = 0; s < streams; s++)
        {
            Assert.Equal(batchesEach * size, reopened.DurableSeq($"P-S{s}"));
            Assert.Equal(Enumerable.Range(1, batchesEach * size).Select(n => (long)n), reopened.Events($"P-S{s}").SelectMany(b => b.Events).Select(e => e.N));
        }
    }

    [Fact]
    public async Task Acknowledged_events_survive_closing_and_reopening_the_file()
    {
        for (var b = 0; b < 20; b++) await _store.Append("P-A", Batch(1 + b * 10, 10));
        _store.Dispose();
        using var reopened = new LiteDbStore(_file.Path);
        Assert.Equal(200, reopened.DurableSeq("P-A"));
        Assert.Equal(200, reopened.Events("P-A").Sum(b => b.Events.Count));
        Assert.Equal(201, await reopened.Append("P-A", Batch(1, 201)));
    }

    [Fact]
    public async Task A_refusal_replaces_the_session_and_deletes_its_events()
    {
        var session = new Session { Id = "P-A", Token = "t", ExperimentId = "x", Recruitment = new() { ["PROLIFIC_PID"] = "abc" }, Steps = ["consent"], StartedAt = DateTime.UtcNow };
        await _store.SaveSession(session);
        await _store.Append("P-A", Batch(1, 3, "consent"));
        await _store.Append("P-AB", Batch(1, 3, "consent"));
        await _store.SaveRefusal(new Session { Id = "P-A", Token = "t", ExperimentId = "x", Status = SessionStatus.Declined, Steps = ["consent"] });
        var stored = _store.FindSessionByToken("t")!;
        Assert.Equal(SessionStatus.Declined, stored.Status);
        Assert.Empty(stored.Recruitment);
        Assert.Empty(_store.Events("P-A"));
        Assert.Equal(3, StoredEventCount("P-AB"));
    }

    [Fact]
    public async Task A_batch_queued_after_the_refusal_brings_no_event_back()
    {
        await _store.InsertSession(new Session { Id = "P-R", Token = "tr", ExperimentId = "x", Steps = ["consent"] });
        var refusal = _store.SaveRefusal(new Session { Id = "P-R", Token = "tr", ExperimentId = "x", Status = SessionStatus.Declined, Steps = ["consent"] });
        var late = _store.Append("P-R", Batch(1, 2, "consent"));
        await refusal;
        var error = await Assert.ThrowsAsync<BatchRefusedException>(() => late);
        Assert.Contains("session has ended", error.Message);
        Assert.Empty(_store.Events("P-R"));
    }

    [Fact]
    public async Task Session_times_come_back_in_UTC()
    {
        var started = new DateTime(2026, 11, 29, 12, 0, 0, 123, DateTimeKind.Utc);
        await _store.InsertSession(new Session { Id = "P-T", Token = "tt", ExperimentId = "x", Steps = ["a"], StartedAt = started, LastSeenAt = started });
        var back = _store.FindSession("P-T")!;
        Assert.Equal(started, back.StartedAt);
        Assert.Equal(DateTimeKind.Utc, back.StartedAt.Kind);
    }
}

public class LiteDbStoreLockTests
{
    [Fact]
    public void A_second_store_on_the_same_file_is_refused_instead_of_corrupting_it()
    {
        using var file = new TempDatabase();
        using (var first = new LiteDbStore(file.Path))
        {
            var error = Assert.Throws<IOException>(() => new LiteDbStore(file.Path));
            Assert.Contains("in use by another SelfRef process", error.Message);
        }
        using var afterwards = new LiteDbStore(file.Path);
        Assert.Equal(0, afterwards.AccountCount());
    }
}
