using System.Reflection;
using System.Text.Json;
using LiteDB;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

using static SelfRef.Core.Tests.Storage.StoreSamples;

namespace SelfRef.Core.Tests.Storage;

/// <summary>
/// What the store keeps and what erasure leaves: everything a session holds is sealed with its own
/// keys, kept apart from the database; erasing destroys the keys, so no byte left anywhere reads.
/// </summary>
public class SealedStoreTests : IDisposable
{
    private readonly TempDatabase _file = new();
    public void Dispose() => _file.Dispose();

    private LiteDbStore Open() => new(_file.Path, new StoreOptions { Identifying = StoreSamples.Identifying });

    [Fact]
    public async Task Nothing_a_session_holds_is_in_the_database_file_in_the_clear_yet_everything_reads_back_as_it_came_in()
    {
        using (var store = Open())
        {
            await store.InsertSession(MapSession("P-QUEDLIN", "tok-quedlin", "Quedlinburg", "Recruit0815"));
            await store.Append("P-QUEDLIN", Searched("Quedlinburg"));
            await store.SaveCode(new CoderCode { ExperimentId = Map.Id, SessionId = "P-QUEDLIN", StepId = "map", Coder = "anna", Value = CodeValue.OwnName });

            var back = store.FindSessionByToken("tok-quedlin")!;
            Assert.Equal(("Quedlinburg", "Siebenundvierzig", "Recruit0815"), (back.Answers["about-you.hometown"], back.Answers["about-you.age"], back.Recruitment["PROLIFIC_PID"]));
            var events = store.Events("P-QUEDLIN").Single().Events;
            // Numbers keep the text they came with: no storage wrapper, no rounding (the view's coordinates,
            // sealed apart under the identifier key, come back after the other fields).
            Assert.Equal("""{"lat":30.123456,"lng":10.654321,"zoom":2,"wall":1796144067426}""", events[0].DataJson);
            var choose = JsonDocument.Parse(events[1].DataJson!).RootElement;
            Assert.Equal(("Quedlinburg", 51.78843, 2851465), (choose.GetProperty("name").GetString(), choose.GetProperty("lat").GetDouble(), choose.GetProperty("id").GetInt32()));
            Assert.Equal(CodeValue.OwnName, Assert.Single(store.Codes(Map.Id)).Value);
        }
        var raw = _file.Raw();
        foreach (var secret in new[] { "Quedlinburg", "Quedl", "Recruit0815", "Siebenundvierzig", "51.78843", "2851465", "30.123456", "1796144067426", "P-QUEDLIN", "tok-quedlin", "CODE-TOK", "OwnName", "anna" })
            Assert.False(raw.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the database or key file in the clear");
    }

    [Fact]
    public async Task Withdrawal_destroys_the_keys_so_nothing_left_in_free_pages_or_the_log_can_be_read_and_others_stay()
    {
        byte[] before;
        using (var store = Open())
        {
            await store.InsertSession(MapSession("P-GONE", "tok-gone", "Wolfenbuettel", "RecruitGone"));
            await store.InsertSession(MapSession("P-STAY", "tok-stay", "Gelsenkirchen", "RecruitStay"));
            for (var b = 0; b < 5; b++)
            {
                await store.Append("P-GONE", new EventBatch(1 + b * 2, "map", [Event(b, "map.view", """{"lat":1,"lng":2,"zoom":3}"""), Event(b + 0.5, "map.view", """{"lat":1,"lng":2,"zoom":3}""")]));
                await store.Append("P-STAY", new EventBatch(1 + b * 2, "map", [Event(b, "map.view", """{"lat":1,"lng":2,"zoom":3}"""), Event(b + 0.5, "map.view", """{"lat":1,"lng":2,"zoom":3}""")]));
            }
            await store.SaveCode(new CoderCode { ExperimentId = Map.Id, SessionId = "P-GONE", StepId = "map", Coder = "anna", Value = CodeValue.OwnName });
            before = File.ReadAllBytes(_file.Path);

            var deleted = await store.DeleteSession("P-GONE");
            Assert.Equal(new DeletedRecords(1, 5, 10, 1), deleted);
            Assert.Null(store.FindSession("P-GONE"));
            Assert.Null(store.FindSessionByToken("tok-gone"));
            Assert.Null(store.FindSessionByWithdrawalCode("CODE-TOK-GONE"));
            Assert.Empty(store.Events("P-GONE"));
            Assert.Empty(store.Codes(Map.Id));
            var late = await Assert.ThrowsAsync<BatchRefusedException>(() => store.Append("P-GONE", new EventBatch(11, "map", [Event(9, "map.view", "{}")])));
            Assert.Contains("session has ended", late.Message);
            Assert.Equal("Gelsenkirchen", store.FindSession("P-STAY")!.Answers["about-you.hometown"]);
            Assert.Equal(10, store.Events("P-STAY").Sum(b => b.Events.Count));
        }
        // Even a copy of the file taken before the erasure reads nothing without the destroyed keys.
        File.WriteAllBytes(_file.Path + ".copy", before);
        using var reopened = Open();
        Assert.Null(reopened.FindSession("P-GONE"));
        Assert.Empty(reopened.Events("P-GONE"));
        Assert.Equal("Gelsenkirchen", reopened.FindSession("P-STAY")!.Answers["about-you.hometown"]);
        Assert.Equal(10, reopened.DurableSeq("P-STAY"));
    }

    // What retention leaves readable is the store contract (StoreContractTests); here: nothing typed after it is in the file.
    [Fact]
    public async Task After_retention_identifying_fields_typed_later_are_not_written_to_the_file_at_all()
    {
        using (var store = Open())
        {
            await store.InsertSession(MapSession("P-RET", "tok-ret", "Quedlinburg", "RecruitRet"));
            await store.Append("P-RET", Searched("Quedlinburg"));
            Assert.True(await store.DeleteIdentifiers("P-RET"));
            await store.Append("P-RET", new EventBatch(3, "map", [Event(20, "map.search.input", """{"q":"Halberst"}""")]));
        }
        Assert.DoesNotContain("Halberst", _file.Raw());
    }

    [Fact]
    public async Task A_database_opens_only_with_its_own_key_folder_and_says_which_folder_is_wrong()
    {
        using (var store = Open()) await store.InsertSession(MapSession("P-K", "k", "Quedlinburg", "x"));
        var elsewhere = _file.Path + "-other-keys";
        var wrong = Assert.Throws<IOException>(() => new LiteDbStore(_file.Path, new StoreOptions { KeyFolder = elsewhere }));
        Assert.Contains(elsewhere, wrong.Message);
        Assert.Contains("--keys", wrong.Message);
        // An empty key folder made by that attempt must not make the next try look erased either.
        Assert.Throws<IOException>(() => new LiteDbStore(_file.Path, new StoreOptions { KeyFolder = elsewhere }));
        using var right = Open();
        Assert.NotNull(right.FindSession("P-K"));
    }

    [Fact]
    public async Task An_erasure_cut_short_after_the_keys_went_is_finished_at_the_next_start()
    {
        string sid;
        using (var store = Open())
        {
            await store.InsertSession(MapSession("P-CUT", "cut", "Quedlinburg", "x"));
            await store.InsertSession(MapSession("P-KEEP", "keep", "Quedlinburg", "y"));
            await store.Append("P-CUT", Searched("Quedlinburg"));
            await store.Append("P-KEEP", Searched("Quedlinburg"));
        }
        // The crash came right after the keys were destroyed and flushed, before any document was deleted.
        using (var keys = new SessionKeyFile(StoreOptions.DefaultKeyFolder(_file.Path)))
        {
            sid = keys.StorageId("P-CUT");
            Assert.True(keys.DestroyAll(sid));
        }
        using (var reopened = Open())
        {
            Assert.Null(reopened.FindSession("P-CUT"));
            Assert.NotNull(reopened.FindSession("P-KEEP"));
            Assert.Equal(2, reopened.DurableSeq("P-KEEP"));
        }
        using var db = new LiteDatabase(new ConnectionString { Filename = _file.Path, Connection = ConnectionType.Direct });
        Assert.Equal(0, db.GetCollection("events").Count(LiteDbStore.BatchesOf(sid)));
        Assert.Equal(1, db.GetCollection("events").Count());
        Assert.Null(db.GetCollection("sessions").FindById(sid));
    }

    [Fact]
    public void A_key_record_torn_by_a_crash_counts_as_absent_and_the_others_stay()
    {
        var folder = StoreOptions.DefaultKeyFolder(_file.Path);
        string a, b;
        byte[] keyOfB;
        using (var keys = new SessionKeyFile(folder))
        {
            a = keys.StorageId("P-A");
            b = keys.StorageId("P-B");
            keys.Create(a);
            keyOfB = keys.Create(b).Content;
        }
        // Tear P-A's content record (the first one) half way: a write cut short.
        var path = Path.Combine(folder, SessionKeyFile.FileName);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 128 + 70;
            file.Write(new byte[20]);
        }
        using (var keys = new SessionKeyFile(folder))
        {
            Assert.Null(keys.Find(a));
            Assert.Equal(keyOfB, keys.Find(b)!.Content);
            Assert.Equal([b], keys.Sessions());
            // The torn slot is free again and reused.
            var length = new FileInfo(path).Length;
            keys.Create(keys.StorageId("P-C"));
            Assert.Equal(length, new FileInfo(path).Length);
        }
    }

    [Fact]
    public async Task A_database_that_fails_under_the_store_stops_it_and_every_later_write_says_so()
    {
        var store = Open();
        try
        {
            await store.InsertSession(MapSession("P-F", "f", "x", "x"));
            Exception? raised = null;
            using var failed = new ManualResetEventSlim();
            store.Failed += e => { raised = e; failed.Set(); };
            // The engine closed under the server (what LiteDB's Rebuild did on failure).
            ((LiteDatabase)typeof(LiteDbStore).GetField("_db", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(store)!).Dispose();
            await Assert.ThrowsAnyAsync<Exception>(() => store.Append("P-F", new EventBatch(1, "map", [Event(1, "map.view", "{}")])));
            Assert.True(failed.Wait(TimeSpan.FromSeconds(30)), "the store did not report its failure");
            Assert.NotNull(store.Failure);
            Assert.NotNull(raised);
            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CheckWritable());
        }
        finally { store.Dispose(); }
    }
}
