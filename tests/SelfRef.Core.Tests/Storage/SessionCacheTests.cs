using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tests.Storage;

/// <summary>
/// The store's per-session caches keep only the sessions that sent lately (StoreOptions.SessionCacheGeneration):
/// in the browser soak they held every session since the start and grew the server's memory with
/// every visit (docs/benchmarks.md, "What grows"). A session read back from the file after it was
/// forgotten must be decided exactly as if it had been remembered: resends, overlaps, gaps, quota.
/// </summary>
public sealed class SessionCacheTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    private static Session NewSession(string id) => new() { Id = id, Token = "token-" + id, ExperimentId = "x", Steps = ["consent", "pen"], StepIndex = 1 };

    private static EventBatch Batch(long seq, int count, string stream = "", string pad = "") =>
        new(seq, "pen", Enumerable.Range(0, count)
            .Select(i => new ClientEvent(i * 8.5, "pen.point", JsonDocument.Parse($$"""{"x":{{i}},"y":0.5,"pad":"{{pad}}"}""").RootElement.Clone()))
            .ToList(), stream);

    private static long[] Numbers(LiteDbStore store, string session, string stream = "") =>
        store.Events(session).Where(b => b.Stream == stream).SelectMany(b => b.Events).Select(e => e.N).ToArray();

    // Someone else's session: each call commits twice, which makes caches turning after every
    // commit (a generation of zero) forget every other session.
    private static async Task<Action> SomeoneElse(LiteDbStore store)
    {
        await store.InsertSession(NewSession("P-other"));
        long next = 1;
        return () =>
        {
            for (var i = 0; i < 2; i++) next = 1 + store.Append("P-other", Batch(next, 1)).GetAwaiter().GetResult();
        };
    }

    [Fact]
    public async Task Sessions_that_stopped_sending_leave_the_caches_and_are_read_back_exactly_when_they_send_again()
    {
        const int sessions = 300;
        using var store = new LiteDbStore(_file.Path, new StoreOptions { SessionCacheGeneration = TimeSpan.Zero });
        for (var s = 0; s < sessions; s++)
        {
            await store.InsertSession(NewSession($"P-{s}"));
            Assert.Equal(4, await store.Append($"P-{s}", Batch(1, 4)));
            Assert.Equal(2, await store.Append($"P-{s}", Batch(1, 2, stream: "tab2")));
        }
        // Two commits of someone else: every generation that held the 300 sessions has gone.
        (await SomeoneElse(store))();
        Assert.InRange(store.CachedEntries, 0, 10);

        // Each forgotten session is decided on what the file holds: the next batch, a resend, an overlap, a gap.
        for (var s = 0; s < sessions; s += 30)
        {
            var id = $"P-{s}";
            Assert.Equal(4, store.DurableSeq(id));
            Assert.Equal(2, store.DurableSeq(id, "tab2"));
            Assert.Equal(4, await store.Append(id, Batch(1, 4)));
            Assert.Equal(7, await store.Append(id, Batch(3, 5)));
            Assert.Contains("expected is 8", (await Assert.ThrowsAsync<BatchRefusedException>(() => store.Append(id, Batch(10, 1)))).Message);
            Assert.Equal(3, await store.Append(id, Batch(3, 1, stream: "tab2")));
            Assert.Equal([1L, 2, 3, 4, 5, 6, 7], Numbers(store, id));
            Assert.Equal([1L, 2, 3], Numbers(store, id, "tab2"));
        }
    }

    [Fact]
    public async Task A_forgotten_session_still_counts_what_it_stored_against_its_quota()
    {
        var options = new StoreOptions { SessionQuotaBytes = 4096, SessionCacheGeneration = TimeSpan.Zero };
        using var store = new LiteDbStore(_file.Path, options);
        await store.InsertSession(NewSession("P-BIG"));
        await store.InsertSession(NewSession("P-OTHER"));
        var filler = new string('x', 1000);
        long next = 1, other = 1;
        var refusal = await Assert.ThrowsAsync<BatchRefusedException>(async () =>
        {
            while (true)
            {
                next = 1 + await store.Append("P-BIG", Batch(next, 1, pad: filler));
                // Someone else's two commits after each batch: the big session is forgotten every time.
                other = 1 + await store.Append("P-OTHER", Batch(other, 1));
                other = 1 + await store.Append("P-OTHER", Batch(other, 1));
            }
        });
        Assert.StartsWith("storage quota used up", refusal.Message);
        Assert.InRange(next, 3, 4);
        Assert.Equal([.. Enumerable.Range(1, (int)next - 1).Select(n => (long)n)], Numbers(store, "P-BIG"));
    }

    [Fact]
    public async Task A_batch_read_against_the_file_before_its_session_committed_and_was_forgotten_is_decided_on_the_file_again()
    {
        using var store = new LiteDbStore(_file.Path, new StoreOptions { SessionCacheGeneration = TimeSpan.Zero });
        await store.InsertSession(NewSession("P"));
        var forgetOthers = await SomeoneElse(store);
        Assert.Equal(3, await store.Append("P", Batch(1, 3)));
        forgetOthers();
        // The resend below read "3 durable" from the file; before it is queued, the first copy of
        // the batch commits (6 durable) and two more commits make the caches forget it again.
        var fired = 0;
        store.BeforeBatchQueued = (session, batch) =>
        {
            if (session != "P" || Interlocked.Exchange(ref fired, 1) == 1) return;
            Assert.Equal(6, store.Append("P", Batch(4, 3)).GetAwaiter().GetResult());
            forgetOthers();
        };
        Assert.Equal(6, await store.Append("P", Batch(4, 3)));
        Assert.Equal(1, fired);
        Assert.Equal([1L, 2, 3, 4, 5, 6], Numbers(store, "P"));
    }

    [Fact]
    public async Task A_batch_read_against_the_file_before_another_tab_filled_the_quota_and_was_forgotten_is_refused()
    {
        var filler = new string('x', 1000);
        long size;
        using (var probeFile = new TempDatabase())
        using (var probe = new LiteDbStore(probeFile.Path))
        {
            await probe.InsertSession(NewSession("P"));
            await probe.Append("P", Batch(1, 1, pad: filler));
            size = probe.StoredBytes("P");
        }
        // Room for three such batches, not four.
        using var store = new LiteDbStore(_file.Path, new StoreOptions { SessionQuotaBytes = size * 7 / 2, SessionCacheGeneration = TimeSpan.Zero });
        await store.InsertSession(NewSession("P"));
        var forgetOthers = await SomeoneElse(store);
        Assert.Equal(1, await store.Append("P", Batch(1, 1, pad: filler)));
        forgetOthers();
        // The batch below read "one batch stored" from the file; before it is queued, a second tab
        // stores two more and two commits of someone else make the caches forget them.
        var fired = 0;
        store.BeforeBatchQueued = (session, batch) =>
        {
            if (session != "P" || batch.Stream != "" || Interlocked.Exchange(ref fired, 1) == 1) return;
            Assert.Equal(2, store.Append("P", Batch(1, 2, stream: "tab2", pad: filler)).GetAwaiter().GetResult());
            forgetOthers();
        };
        var refusal = await Assert.ThrowsAsync<BatchRefusedException>(() => store.Append("P", Batch(2, 1, pad: filler)));
        Assert.StartsWith("storage quota used up", refusal.Message);
        Assert.Equal(1, fired);
        Assert.Equal([1L], Numbers(store, "P"));
    }

    [Fact]
    public async Task A_session_stays_cached_through_one_turn_of_the_caches_and_is_forgotten_at_the_second()
    {
        using var store = new LiteDbStore(_file.Path, new StoreOptions { SessionCacheGeneration = TimeSpan.Zero });
        await store.InsertSession(NewSession("P"));
        await store.InsertSession(NewSession("P-other"));
        Assert.Equal(3, await store.Append("P", Batch(1, 3)));
        var reads = 0;
        store.OnEngineAccess = () => Interlocked.Increment(ref reads);
        long DurableReading(out int fileReads)
        {
            var before = Volatile.Read(ref reads);
            var durable = store.DurableSeq("P");
            fileReads = Volatile.Read(ref reads) - before;
            return durable;
        }
        // P's commit turned the caches once already (a generation of zero: after every commit).
        Assert.Equal(3, DurableReading(out var fromFile));
        Assert.Equal(0, fromFile);
        await store.Append("P-other", Batch(1, 1));
        Assert.Equal(3, DurableReading(out fromFile));
        Assert.Equal(1, fromFile);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Streams_writing_while_the_caches_rotate_lose_and_duplicate_nothing(int generationMs)
    {
        const int streams = 50, batchesEach = 30, size = 3;
        var options = new StoreOptions { SessionCacheGeneration = TimeSpan.FromMilliseconds(generationMs) };
        var store = new LiteDbStore(_file.Path, options);
        for (var s = 0; s < streams; s++) await store.InsertSession(NewSession($"P-{s}"));
        var work = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            var id = $"P-{s}";
            for (var b = 0; b < batchesEach; b++)
            {
                var first = 1 + b * size;
                // Like a browser's outbox: a batch, its resend when the acknowledgement was lost, and
                // now and then a batch that overlaps the one before; all queued without waiting.
                var sent = store.Append(id, Batch(first, size));
                var resend = store.Append(id, Batch(first, size));
                var overlap = b % 5 == 4 ? store.Append(id, Batch(first - 1, size + 1)) : null;
                Assert.Equal(first + size - 1, await sent);
                Assert.Equal(first + size - 1, await resend);
                if (overlap is not null) Assert.Equal(first + size - 1, await overlap);
            }
        }));
        await Task.WhenAll(work);
        var expected = Enumerable.Range(1, batchesEach * size).Select(n => (long)n).ToArray();
        for (var s = 0; s < streams; s++)
        {
            Assert.Equal(batchesEach * size, store.DurableSeq($"P-{s}"));
            Assert.Equal(expected, Numbers(store, $"P-{s}"));
        }
        store.Dispose();
        using var reopened = new LiteDbStore(_file.Path);
        for (var s = 0; s < streams; s++) Assert.Equal(expected, Numbers(reopened, $"P-{s}"));
    }
}
