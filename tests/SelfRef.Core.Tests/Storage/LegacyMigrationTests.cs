using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiteDB;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tests.Storage;

/// <summary>A database written by SelfRef before sealed storage is migrated when opened, losing nothing, by a crash-safe copy.</summary>
public class LegacyMigrationTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private static readonly Experiment Map = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-map.json")).Experiment!;

    public void Dispose() => _file.Dispose();

    // The old format wrapped each session's key with Data Protection; here the "wrapping" is base64 of the key itself.
    private StoreOptions Options => new() { Identifying = new IdentifyingData([Map]), LegacyKeyUnwrap = wrapped => wrapped };

    private static string Old(byte[] key, string sessionId, string plain) =>
        "enc1:" + Convert.ToBase64String(Seal.Close(key, Encoding.UTF8.GetBytes(plain), sessionId));

    /// <summary>Writes what SelfRef wrote before: plain documents, identifying values "enc1:"-encrypted, events as BSON.</summary>
    internal static void WriteOldDatabase(string path, int sessions, int batchesEach, Func<int, string>? town = null)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        var events = new List<BsonDocument>();
        for (var i = 0; i < sessions; i++)
        {
            var id = $"P-OLD{i:D5}";
            var key = RandomNumberGenerator.GetBytes(32);
            db.GetCollection("sessions").Insert(new BsonDocument
            {
                ["_id"] = id, ["Token"] = $"old-token-{i}", ["ExperimentId"] = Map.Id, ["ConditionId"] = "main", ["Language"] = "de",
                ["Status"] = "Completed", ["Steps"] = new BsonArray(new BsonValue[] { "consent", "intro", "map", "about-you", "debrief" }), ["StepIndex"] = 4,
                ["Answers"] = new BsonDocument { ["about-you.hometown"] = Old(key, id, town?.Invoke(i) ?? "Quedlinburg"), ["about-you.age"] = "Einundvierzig" },
                ["Recruitment"] = new BsonDocument { ["PROLIFIC_PID"] = Old(key, id, $"Recruit{i:D4}") },
                ["WithdrawalCode"] = $"OLD{i:D1}-0000-0000-0000", ["CompletionCode"] = "C",
                ["StartedAt"] = new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc), ["LastSeenAt"] = new DateTime(2026, 11, 1, 9, 5, 0, DateTimeKind.Utc),
                ["ProtectedKey"] = Convert.ToBase64String(key),
            });
            for (var b = 0; b < batchesEach; b++)
            {
                var seq = 1 + b * 2L;
                events.Add(new BsonDocument
                {
                    ["_id"] = $"{id}//{seq:D19}", ["session"] = id, ["stream"] = "", ["seq"] = seq, ["last"] = seq + 1, ["step"] = "map",
                    ["receivedAt"] = new DateTime(2026, 11, 1, 9, 1, 0, DateTimeKind.Utc).AddSeconds(b),
                    ["events"] = new BsonArray(
                        new BsonDocument { ["n"] = seq, ["t"] = 5.5 + b, ["type"] = "map.view", ["data"] = new BsonDocument { ["lat"] = 51.25, ["zoom"] = 7, ["wall"] = 1796144067426L } },
                        new BsonDocument { ["n"] = seq + 1, ["t"] = 9.0 + b, ["type"] = "map.search.choose", ["data"] = new BsonDocument { ["name"] = Old(key, id, "\"Quedlinburg\""), ["rank"] = 0 } }),
                });
                if (events.Count == 5000) { db.GetCollection("events").InsertBulk(events); events.Clear(); }
            }
        }
        db.GetCollection("events").InsertBulk(events);
        db.GetCollection("events").EnsureIndex("session");
        db.GetCollection<CoderCode>("codes").Insert(new CoderCode { Id = "P-OLD00000/map/anna", ExperimentId = Map.Id, SessionId = "P-OLD00000", StepId = "map", Coder = "anna", Value = CodeValue.Other });
        db.GetCollection<ResearcherAccount>("accounts").Insert(new ResearcherAccount { Id = "anna", PasswordHash = "hash" });
    }

    [Fact]
    public void An_old_database_is_migrated_when_opened_and_reads_as_before_with_values_as_they_came_in()
    {
        WriteOldDatabase(_file.Path, sessions: 3, batchesEach: 4);
        using (var store = new LiteDbStore(_file.Path, Options))
        {
            var session = store.FindSessionByToken("old-token-1")!;
            Assert.Equal(("Quedlinburg", "Einundvierzig", "Recruit0001"), (session.Answers["about-you.hometown"], session.Answers["about-you.age"], session.Recruitment["PROLIFIC_PID"]));
            Assert.Equal(new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc), session.StartedAt);
            Assert.NotNull(store.FindSessionByWithdrawalCode("OLD1-0000-0000-0000"));
            var events = store.Events("P-OLD00001").SelectMany(b => b.Events).ToList();
            Assert.Equal(Enumerable.Range(1, 8).Select(n => (long)n), events.Select(e => e.N));
            Assert.Equal("""{"lat":51.25,"zoom":7,"wall":1796144067426}""", events[0].DataJson);
            Assert.Equal("Quedlinburg", JsonDocument.Parse(events[1].DataJson!).RootElement.GetProperty("name").GetString());
            Assert.Equal(CodeValue.Other, Assert.Single(store.Codes(Map.Id)).Value);
            Assert.NotNull(store.FindAccount("anna"));
            // It goes on as a new database: appends continue the numbering.
            Assert.Equal(8, store.DurableSeq("P-OLD00001"));
        }
        // ... and is laid out as a new one: ordinal collation, batches indexed by their id only.
        using (var db = new LiteDatabase(new ConnectionString { Filename = _file.Path, Connection = ConnectionType.Direct }))
        {
            Assert.Equal(System.Globalization.CompareOptions.Ordinal, db.Collation.SortOptions);
            Assert.Equal(["_id"], db.GetCollection("$indexes").Find(Query.EQ("collection", "events")).Select(i => i["name"].AsString));
        }
        var raw = _file.Raw();
        foreach (var old in new[] { "Einundvierzig", "P-OLD00001", "old-token-1", "wall", "map.search.choose" })
            Assert.False(raw.Contains(old, StringComparison.Ordinal), $"'{old}' is still in the clear after the migration");
        Assert.False(File.Exists(LegacyFormat.TemporaryPath(_file.Path)));
    }

    [Fact]
    public void A_migration_cut_short_is_made_again_from_the_old_file()
    {
        WriteOldDatabase(_file.Path, sessions: 2, batchesEach: 3);
        // What a kill during the copy leaves: a partial new file beside the intact old one.
        File.WriteAllBytes(LegacyFormat.TemporaryPath(_file.Path), RandomNumberGenerator.GetBytes(20_000));
        using var store = new LiteDbStore(_file.Path, Options);
        Assert.Equal(6, store.Events("P-OLD00000").Sum(b => b.Events.Count));
        Assert.Equal("Quedlinburg", store.FindSession("P-OLD00001")!.Answers["about-you.hometown"]);
    }

    [Fact]
    public void Without_the_old_keys_an_old_database_is_not_touched_and_the_error_names_the_key_folder()
    {
        WriteOldDatabase(_file.Path, sessions: 1, batchesEach: 1);
        var before = File.ReadAllBytes(_file.Path);
        var error = Assert.Throws<IOException>(() => new LiteDbStore(_file.Path, Options with { LegacyKeyUnwrap = null }));
        Assert.Contains("--keys", error.Message);
        Assert.Equal(before, File.ReadAllBytes(_file.Path));
    }
}

/// <summary>The copy that migrates an old database, on one past 100,000 batch documents (what real browsers send in a study).</summary>
public class LargeLegacyMigrationTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void An_old_database_of_more_than_100000_batch_documents_is_migrated_whole()
    {
        const int sessions = 420, batches = 250;
        LegacyMigrationTests.WriteOldDatabase(_file.Path, sessions, batches);
        var map = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-map.json")).Experiment!;
        using var store = new LiteDbStore(_file.Path, new StoreOptions { Identifying = new IdentifyingData([map]), LegacyKeyUnwrap = wrapped => wrapped });
        Assert.True(sessions * batches > 100_000);
        foreach (var i in new[] { 0, 1, sessions / 2, sessions - 1 })
        {
            var id = $"P-OLD{i:D5}";
            Assert.Equal("Quedlinburg", store.FindSession(id)!.Answers["about-you.hometown"]);
            Assert.Equal(Enumerable.Range(1, batches * 2).Select(n => (long)n), store.Events(id).SelectMany(b => b.Events).Select(e => e.N));
        }
        Assert.Equal(sessions, store.SessionsOf(map.Id).Count);
        Assert.False(File.Exists(LegacyFormat.TemporaryPath(_file.Path)));
    }
}
