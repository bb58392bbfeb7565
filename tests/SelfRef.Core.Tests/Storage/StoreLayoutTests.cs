using System.Globalization;
using System.Text.Json;
using LiteDB;
using SelfRef.Core.Accounts;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tests.Storage;

/// <summary>
/// How the store lays out its file so that the writer's inserts stay cheap: a new file compares
/// strings ordinally, and a session's batches are found by their _id range, with no second index
/// to keep up to date; files created before keep their collation and lose that index.
/// </summary>
public class StoreLayoutTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    private LiteDbStore Open(long quotaBytes = StoreOptions.DefaultSessionQuotaMegabytes * 1024L * 1024) =>
        new(_file.Path, new StoreOptions { SessionQuotaBytes = quotaBytes });

    private static Task Insert(LiteDbStore store, string id) =>
        store.InsertSession(new Session { Id = id, Token = "token-" + id, ExperimentId = "x", Steps = ["consent", "pen"], StepIndex = 1 });

    private static EventBatch Batch(long seq, int count, string stream = "") =>
        new(seq, "pen", Enumerable.Range(0, count)
            .Select(i => new ClientEvent(i, "pen.point", JsonDocument.Parse($$"""{"x":{{i}}}""").RootElement.Clone()))
            .ToList(), stream);

    private LiteDatabase Raw(Collation? collation = null) =>
        new(new ConnectionString { Filename = _file.Path, Connection = ConnectionType.Direct, Collation = collation });

    private static string[] EventIndexes(LiteDatabase db) =>
        db.GetCollection("$indexes").Find(Query.EQ("collection", "events")).Select(d => d["name"].AsString).Order(StringComparer.Ordinal).ToArray();

    private static string StorageId(string path, string sessionId)
    {
        using var keys = new SessionKeyFile(StoreOptions.DefaultKeyFolder(path));
        return keys.StorageId(sessionId);
    }

    [Fact]
    public async Task A_backlog_of_batches_is_committed_in_groups_of_at_most_MaxGroup_writes_so_LiteDBs_page_cache_stays_small()
    {
        const int sessions = 400;
        using var store = Open();
        for (var s = 0; s < sessions; s++)
        {
            await Insert(store, $"P-{s}");
            await store.Append($"P-{s}", Batch(1, 3));
        }
        var (writesBefore, commitsBefore, _) = store.WriterCounters;
        // The writer stalls inside a group (as behind a checkpoint) while every session sends its next batch.
        using var stalled = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var held = 0;
        store.AfterBatchInsert = (_, _) =>
        {
            if (Interlocked.Exchange(ref held, 1) != 0) return;
            stalled.Set();
            release.Wait();
        };
        var first = Task.Run(() => store.Append("P-0", Batch(4, 3)));
        List<Task<long>> backlog;
        try
        {
            Assert.True(stalled.Wait(TimeSpan.FromMinutes(1)), "the writer never took the first batch");
            backlog = Enumerable.Range(1, sessions - 1).Select(s => Task.Run(() => store.Append($"P-{s}", Batch(4, 3)))).ToList();
            await Task.Delay(300); // lets the backlog queue up; the bound asserted below holds however long that takes
        }
        finally { release.Set(); }
        await first;
        await Task.WhenAll(backlog);

        var (writes, commits, _) = store.WriterCounters;
        Assert.Equal(sessions, writes - writesBefore);
        // 400 writes queued at once: in LiteDB's cache a group of them all would change ~2,000 pages at once.
        Assert.InRange(store.LargestGroup, 2, LiteDbStore.MaxGroup);
        Assert.True(commits - commitsBefore >= 1 + (sessions - 1 + LiteDbStore.MaxGroup - 1) / LiteDbStore.MaxGroup,
            $"{writes - writesBefore} writes took {commits - commitsBefore} commits");
        for (var s = 0; s < sessions; s++) Assert.Equal(6, store.DurableSeq($"P-{s}"));
    }

    /// <summary>The file as the store wrote it before: the default (culture-aware, case-blind) collation and every batch indexed by session.</summary>
    private void CreateOldLayout()
    {
        using var db = Raw(Collation.Default);
        db.GetCollection("events").EnsureIndex("session");
    }

    /// <summary>What the earlier store kept in each batch document: its session, indexed.</summary>
    private void IndexBySessionAsBefore()
    {
        using var db = Raw();
        var events = db.GetCollection("events");
        foreach (var document in events.FindAll().ToList())
        {
            document["session"] = document["_id"].AsString[..32];
            events.Update(document);
        }
        events.EnsureIndex("session");
    }

    [Fact]
    public async Task A_new_database_compares_strings_ordinally_and_indexes_batches_only_by_id_also_after_reopening()
    {
        for (var run = 0; run < 2; run++)
        {
            using (var store = Open())
            {
                await Insert(store, $"P-{run}");
                await store.Append($"P-{run}", Batch(1, 3));
            }
            using var db = Raw();
            Assert.Equal(CompareOptions.Ordinal, db.Collation.SortOptions);
            Assert.Equal(["_id"], EventIndexes(db));
        }
    }

    [Fact]
    public async Task Ids_that_differ_only_in_case_are_different_records()
    {
        using var store = Open();
        await store.SaveAccount(new ResearcherAccount { Id = "anna", PasswordHash = "lower" });
        await store.SaveAccount(new ResearcherAccount { Id = "Anna", PasswordHash = "upper" });
        Assert.Equal("lower", store.FindAccount("anna")?.PasswordHash);
        Assert.Equal("upper", store.FindAccount("Anna")?.PasswordHash);
        Assert.Equal(2, store.AccountCount());
    }

    [Fact]
    public async Task A_database_created_before_keeps_its_collation_loses_the_session_index_and_keeps_every_batch()
    {
        CreateOldLayout();
        using (var store = Open())
        {
            foreach (var id in new[] { "P-A", "P-B" }) await Insert(store, id);
            for (var seq = 1; seq <= 60; seq += 3)
            {
                await store.Append("P-A", Batch(seq, 3));
                await store.Append("P-B", Batch(seq, 3, stream: "tab2"));
            }
        }
        IndexBySessionAsBefore();
        using (var db = Raw()) Assert.Equal(["_id", "session"], EventIndexes(db));

        var log = new List<string>();
        using (var store = new LiteDbStore(_file.Path, new StoreOptions { Log = log.Add }))
        {
            Assert.Contains(log, line => line.Contains("Dropped the index of event batches by session", StringComparison.Ordinal));
            Assert.Equal(60, store.DurableSeq("P-A"));
            Assert.Equal(60, store.DurableSeq("P-B", "tab2"));
            Assert.Equal(63, await store.Append("P-A", Batch(61, 3)));
            Assert.Equal(Enumerable.Range(1, 63).Select(n => (long)n), store.Events("P-A").SelectMany(b => b.Events).Select(e => e.N));
            var erased = await store.DeleteSession("P-B");
            Assert.Equal((20, 60), (erased.EventBatches, erased.Events));
            Assert.Empty(store.Events("P-B"));
        }
        using (var db = Raw())
        {
            Assert.Equal(Collation.Default.ToString(), db.Collation.ToString());
            Assert.Equal(["_id"], EventIndexes(db));
            Assert.Equal(21, db.GetCollection("events").Count());
        }
        using var reopened = Open();
        Assert.Equal(63, reopened.DurableSeq("P-A"));
        Assert.Equal(63, reopened.Events("P-A").Sum(b => b.Events.Count));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_s_batches_are_its_id_range_and_none_of_a_neighbouring_storage_id(bool createdBefore)
    {
        if (createdBefore) CreateOldLayout();
        using (var store = Open())
        {
            await Insert(store, "P-A");
            await store.Append("P-A", Batch(1, 4));
            await store.Append("P-A", Batch(1, 2, stream: "tab2"));
        }
        // Documents filed right beside the session's range: storage ids that differ only in their
        // last digit, and ids that begin with the storage id but not with "{sid}/". Each declares
        // far more bytes than the quota, so counting one of them as the session's would refuse its
        // next batch. (Storage ids are lower-case hex, so the case-blind collation of older files
        // never sees two that differ in case; the ordinal one of a new file does not confuse them.)
        var sid = StorageId(_file.Path, "P-A");
        const string hex = "0123456789abcdef";
        var last = hex.IndexOf(sid[^1]);
        var neighbours = new List<string>
        {
            sid[..^1] + hex[(last + 1) % 16] + "//0000000000000000001",
            sid[..^1] + hex[(last + 15) % 16] + "//0000000000000000001",
            sid + "0//0000000000000000001",
            sid + "00",
            sid + ".//0000000000000000001",
            sid,
        };
        if (!createdBefore) neighbours.Add(sid.ToUpperInvariant() + "//0000000000000000099");
        using (var db = Raw())
        {
            foreach (var id in neighbours)
                db.GetCollection("events").Insert(new BsonDocument
                {
                    ["_id"] = id, ["stream"] = "", ["from"] = 1L, ["seq"] = 1L, ["last"] = 1000L, ["step"] = "pen",
                    ["bytes"] = 100_000_000, ["payload"] = new byte[40], ["receivedAt"] = 0L,
                });
        }

        using (var store = Open(quotaBytes: 1024 * 1024))
        {
            Assert.Equal(4, store.DurableSeq("P-A"));
            Assert.Equal(2, store.DurableSeq("P-A", "tab2"));
            Assert.Equal([("", 4), ("tab2", 2)], store.Events("P-A").Select(b => (b.Stream, b.Events.Count)));
            Assert.Equal(5, await store.Append("P-A", Batch(5, 1)));
            var erased = await store.DeleteSession("P-A");
            Assert.Equal((3, 7), (erased.EventBatches, erased.Events));
        }
        using (var db = Raw())
            Assert.Equal(neighbours.Order(StringComparer.Ordinal), db.GetCollection("events").FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal));
    }
}
