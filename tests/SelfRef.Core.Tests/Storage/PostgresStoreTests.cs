using Npgsql;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Storage.Postgres;
using SelfRef.Tests.Support;

namespace SelfRef.Core.Tests.Storage;

/// <summary>The store contract on PostgreSQL: a database of each test's own in the test run's cluster.</summary>
public class PostgresStoreContractTests : StoreContractTests
{
    private readonly PostgresCluster _cluster = PostgresCluster.Shared;
    private string? _database;

    protected override IStore OpenStore(StoreOptions options) => new PostgresStore(_database ??= _cluster.CreateDatabase(), options);

    protected override (long Writes, long Commits, long Retries) Counters(IStore store) => ((PostgresStore)store).WriterCounters;

    protected override void FailAfterBatchInsert(IStore store, Action<string, EventBatch> fail) => ((PostgresStore)store).AfterBatchInsert = fail;

    protected override void DeleteDatabase()
    {
        if (_database is not null) _cluster.DropDatabase(_database);
    }
}

/// <summary>What only the PostgreSQL store does: its schema, its keys in the database, and more than one store on one database.</summary>
public class PostgresStoreTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresCluster _cluster;

    public PostgresStoreTests(PostgresDatabase database) => _cluster = database.Cluster;

    private static Session NewSession(string id) => new() { Id = id, Token = "token-" + id, ExperimentId = "x", Steps = ["consent", "pen"], StepIndex = 1 };

    private static EventBatch Batch(long seq, int count) =>
        new(seq, "pen", Enumerable.Range(0, count).Select(i => new ClientEvent(i, "pen.point", System.Text.Json.JsonDocument.Parse("""{"x":1}""").RootElement.Clone())).ToList());

    private static List<T> Query<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> row)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }

    [Fact]
    public void The_store_creates_its_schema_once_and_records_each_migration()
    {
        var database = _cluster.CreateDatabase();
        try
        {
            new PostgresStore(database).Dispose();
            using (var again = new PostgresStore(database)) Assert.Equal(0, again.AccountCount());
            Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version), Query(database, "SELECT version FROM schema_version ORDER BY version", r => r.GetInt32(0)));
            Assert.Contains("session_keys", Query(database, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'", r => r.GetString(0)));
            // Every id column compares bytes ("C"), whatever the database's locale.
            Assert.Empty(Query(database,
                "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text' AND coalesce(collation_name, '') <> 'C' AND column_name NOT IN ('file', 'text')",
                r => r.GetString(0)));
        }
        finally { _cluster.DropDatabase(database); }
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    // Active and completed sessions hold their slot; an abandoned one, a pilot and a refusal do not.
    private static async Task StoreSlotSessions(IStore store)
    {
        await store.InsertSession(NewSession("P-ACTIVE") with { Slot = 0 });
        await store.InsertSession(NewSession("P-DONE") with { Slot = 1 });
        await store.SaveSession(NewSession("P-DONE") with { Slot = 1, Status = SessionStatus.Completed });
        await store.InsertSession(NewSession("P-GONE") with { Slot = 2 });
        await store.SaveSession(NewSession("P-GONE") with { Slot = 2, Status = SessionStatus.Abandoned });
        await store.InsertSession(NewSession("P-PILOT") with { Slot = 3, Pilot = true });
        await store.SaveRefusal(NewSession("P-NO") with { Slot = 4, Status = SessionStatus.Declined });
    }

    [Fact]
    public async Task A_session_start_counts_the_slots_from_their_own_column_without_opening_any_session()
    {
        // A start read and decrypted every session of the study to count them: a study of tens of
        // thousands of sessions (the scale-out case) took seconds per participant.
        var database = _cluster.CreateDatabase();
        try
        {
            using var store = new PostgresStore(database);
            await StoreSlotSessions(store);
            Assert.Equal([0, 1], store.TakenSlots("x").Order());
            // No record can be opened now: the count does not need one.
            Execute(database, "UPDATE sessions SET body = '\\x00'::bytea");
            Assert.Equal([0, 1], store.TakenSlots("x").Order());
        }
        finally { _cluster.DropDatabase(database); }
    }

    [Fact]
    public async Task Slots_of_sessions_stored_before_the_slot_column_are_filled_in_when_the_store_opens()
    {
        var database = _cluster.CreateDatabase();
        try
        {
            using (var store = new PostgresStore(database)) await StoreSlotSessions(store);
            // As a database of schema version 2 holds them after migration 3: slot unknown.
            Execute(database, "UPDATE sessions SET slot = NULL, slot_known = false");
            using (var reopened = new PostgresStore(database))
            {
                Assert.Empty(Query(database, "SELECT sid FROM sessions WHERE NOT slot_known", r => r.GetString(0)));
                Assert.Equal([0, 1], Query(database, "SELECT slot FROM sessions WHERE slot IS NOT NULL ORDER BY slot", r => r.GetInt32(0)));
                Assert.Equal([0, 1], reopened.TakenSlots("x").Order());
            }
        }
        finally { _cluster.DropDatabase(database); }
    }

    [Fact]
    public async Task A_stored_record_that_cannot_be_opened_does_not_keep_the_store_from_opening_while_slots_are_filled_in()
    {
        var database = _cluster.CreateDatabase();
        try
        {
            using (var store = new PostgresStore(database)) await StoreSlotSessions(store);
            Execute(database, "UPDATE sessions SET slot = NULL, slot_known = false");
            Execute(database, "UPDATE sessions SET body = '\\x00'::bytea WHERE sid = (SELECT min(sid) FROM sessions)");
            using var reopened = new PostgresStore(database);
            // The one damaged row stays unknown; every other row's slot is filled in.
            Assert.Single(Query(database, "SELECT sid FROM sessions WHERE NOT slot_known", r => r.GetString(0)));
        }
        finally { _cluster.DropDatabase(database); }
    }

    [Fact]
    public void A_database_of_a_newer_schema_is_refused_with_its_version()
    {
        var database = _cluster.CreateDatabase();
        try
        {
            new PostgresStore(database).Dispose();
            Query(database, $"INSERT INTO schema_version (version) VALUES ({PostgresSchema.Latest + 1}) RETURNING version", r => r.GetInt32(0));
            var error = Assert.Throws<InvalidDataException>(() => new PostgresStore(database));
            Assert.Contains($"schema version {PostgresSchema.Latest + 1}", error.Message);
        }
        finally { _cluster.DropDatabase(database); }
    }

    [Fact]
    public void Migrations_must_be_numbered_in_order()
    {
        Assert.Equal([(1, "CREATE TABLE a (x int);"), (2, "DROP TABLE a;")],
            PostgresSchema.Parse("-- head\n-- migration 1\nCREATE TABLE a (x int);\n-- migration 2\nDROP TABLE a;\n"));
        Assert.Contains("migration 3 where 2 was expected", Assert.Throws<InvalidDataException>(() => PostgresSchema.Parse("-- migration 1\nx;\n-- migration 3\ny;")).Message);
    }

    [Fact]
    public async Task Erasing_deletes_the_session_s_key_row_and_vacuums_the_key_table()
    {
        var database = _cluster.CreateDatabase();
        try
        {
            using var store = new PostgresStore(database);
            await store.InsertSession(NewSession("P-GONE"));
            await store.InsertSession(NewSession("P-STAY"));
            await store.Append("P-GONE", Batch(1, 3));
            Assert.Equal(2, Query(database, "SELECT count(*) FROM session_keys", r => r.GetInt64(0)).Single());
            var vacuumsBefore = Query(database, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'session_keys'", r => r.GetInt64(0)).Single();
            await store.DeleteSession("P-GONE");
            Assert.Equal(1, Query(database, "SELECT count(*) FROM session_keys", r => r.GetInt64(0)).Single());
            foreach (var table in new[] { "sessions", "streams", "events" })
                Assert.Equal(table == "sessions" ? 1 : 0, Query(database, $"SELECT count(*) FROM {table}", r => r.GetInt64(0)).Single());
            // Statistics reach pg_stat a moment after the VACUUM: wait for the count, not for a time.
            for (var i = 0; i < 600 && Query(database, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'session_keys'", r => r.GetInt64(0)).Single() == vacuumsBefore; i++)
                await Task.Delay(100);
            Assert.True(Query(database, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'session_keys'", r => r.GetInt64(0)).Single() > vacuumsBefore, "session_keys was not vacuumed after the erasure");
        }
        finally { _cluster.DropDatabase(database); }
    }

    [Fact]
    public async Task Two_stores_on_one_database_share_sessions_keys_and_durable_numbers()
    {
        var database = _cluster.CreateDatabase();
        try
        {
            using var a = new PostgresStore(database);
            using var b = new PostgresStore(database);
            await a.InsertSession(NewSession("P-MOVE"));
            Assert.Equal(3, await a.Append("P-MOVE", Batch(1, 3)));
            // The participant resumes on the other instance: it knows what is durable and refuses a gap.
            Assert.Equal(3, b.DurableSeq("P-MOVE"));
            Assert.Equal(3, await b.Append("P-MOVE", Batch(1, 3)));
            Assert.Equal(5, await b.Append("P-MOVE", Batch(3, 3)));
            await Assert.ThrowsAsync<BatchRefusedException>(() => a.Append("P-MOVE", Batch(9, 1)));
            Assert.Equal(6, await a.Append("P-MOVE", Batch(6, 1)));
            Assert.Equal([1L, 2, 3, 4, 5, 6], b.Events("P-MOVE").SelectMany(x => x.Events).Select(e => e.N));
            // Both at once on one session: every event stored once, none lost.
            var work = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).Append("P-MOVE", Batch(7 + i / 2 * 2, 2)));
            foreach (var task in work)
            {
                try { await task; }
                catch (BatchRefusedException) { /* a batch that raced ahead of its predecessor: a gap, as a browser would see */ }
            }
            var numbers = a.Events("P-MOVE").SelectMany(x => x.Events).Select(e => e.N).ToList();
            Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
            Assert.Equal(numbers.Count, a.DurableSeq("P-MOVE"));
            await b.DeleteSession("P-MOVE");
            await Assert.ThrowsAsync<BatchRefusedException>(() => a.Append("P-MOVE", Batch(numbers.Count + 1, 1)));
            Assert.Null(a.FindSession("P-MOVE"));
        }
        finally { _cluster.DropDatabase(database); }
    }
}

/// <summary>
/// A connection lost and back within the reconnect window is replaced; a database that does not
/// come back fails the store (the server then exits with 75). A cluster of its own: these tests stop it.
/// </summary>
public sealed class PostgresStoreFailureTests : IDisposable
{
    private readonly PostgresCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task A_lost_connection_that_comes_back_is_replaced_and_one_that_does_not_fails_the_store()
    {
        var database = _cluster.CreateDatabase();
        using var store = new PostgresStore(database, reconnectWithin: TimeSpan.FromSeconds(60));
        await store.InsertSession(new Session { Id = "P-1", Token = "t1", ExperimentId = "x", Steps = ["a"] });
        Assert.Equal(2, await store.Append("P-1", new EventBatch(1, "a", [new ClientEvent(1, "e", null), new ClientEvent(2, "e", null)])));

        _cluster.Kill();
        _cluster.Start();
        // Neither the read of the session's keys (pooled) nor the write (the writer's connection) meets the dead connections.
        Assert.Equal(3, await store.Append("P-1", new EventBatch(3, "a", [new ClientEvent(3, "e", null)])));
        Assert.Equal(3, store.DurableSeq("P-1"));
        Assert.True(store.Reconnects >= 1);
        Assert.Null(store.Failure);
        await store.CheckWritable();

        using var gone = new PostgresStore(database, reconnectWithin: TimeSpan.FromSeconds(2));
        Exception? raised = null;
        using var failed = new ManualResetEventSlim();
        gone.Failed += e => { raised = e; failed.Set(); };
        await gone.CheckWritable();
        _cluster.Kill();
        // Writes now fail; once the database has stayed away for the reconnect window the store fails for good.
        for (var i = 0; i < 100 && !failed.IsSet; i++)
        {
            try { await gone.CheckWritable(); }
            catch (Exception e) when (e is NpgsqlException or StoreUnavailableException) { }
        }
        Assert.True(failed.Wait(TimeSpan.FromSeconds(120)), "the store did not report its failure");
        Assert.NotNull(gone.Failure);
        Assert.NotNull(raised);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => gone.CheckWritable());
    }
}
