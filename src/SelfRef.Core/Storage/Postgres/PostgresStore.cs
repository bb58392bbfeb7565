using System.Text.Json;
using Npgsql;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Storage.Postgres;

/// <summary>
/// The store on a PostgreSQL database (Npgsql), for a study beyond one process: several server
/// instances may share one database. Same semantics as <see cref="LiteDbStore"/>: a write completes
/// after its transaction committed; writes are grouped by one <see cref="SingleWriter"/> on a
/// connection of its own (group commit; a write that fails is retried apart from its group); a
/// resend is a no-op or stores its tail; a gap or a full quota is refused; everything a session
/// holds is sealed with its keys (<see cref="SealedSession"/>, <see cref="BatchPayload"/>,
/// <see cref="SealedCode"/>), which live in the database's session_keys table (<see cref="PostgresKeys"/>).
///
/// Nothing about a session is cached in memory: each write reads what it needs inside its
/// transaction and locks the session's row (FOR UPDATE), so instances that write to the same
/// session (a participant resuming on another instance) see each other's commits. Reads use
/// pooled connections of their own and never wait for the writer.
/// </summary>
public sealed class PostgresStore : IStore
{
    private readonly NpgsqlDataSource _source, _writerSource;
    private readonly PostgresTransactions _transactions;
    private readonly PostgresKeys _keys;
    private readonly SingleWriter _writer;
    private readonly StoreOptions _options;

    /// <param name="connectionString">Npgsql's, e.g. "Host=localhost;Database=selfref;Username=selfref".</param>
    /// <param name="reconnectWithin">how long the writer tries to get a lost connection back before the store fails (default 30 s).</param>
    /// <exception cref="ArgumentException">the connection string is malformed.</exception>
    /// <exception cref="NpgsqlException">the database cannot be reached.</exception>
    public PostgresStore(string connectionString, StoreOptions? options = null, TimeSpan? reconnectWithin = null)
    {
        _options = options ?? new StoreOptions();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _source = NpgsqlDataSource.Create(builder);
        // The writer's connection is its own, never handed to a read by the pool.
        _writerSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false });
        try
        {
            using (var connection = _source.OpenConnection())
            {
                var applied = PostgresSchema.Migrate(connection);
                if (applied.Count > 0) _options.Log?.Invoke($"Database schema of {Describe(builder)} brought to version {PostgresSchema.Latest}");
            }
            _keys = new PostgresKeys(_source);
            _keys.Load();
            _keys.DropUnused();
            FillSlots();
        }
        catch
        {
            _source.Dispose();
            _writerSource.Dispose();
            throw;
        }
        _transactions = new PostgresTransactions(_writerSource, reconnectWithin ?? TimeSpan.FromSeconds(30));
        // No read takes the gate: reads have connections of their own.
        _writer = new SingleWriter(_transactions, new StoreGate(), () => { }, () => { });
        _writer.Failed += e => Failed?.Invoke(e);
        Database = Describe(builder);
    }

    /// <summary>Host and database, for messages (never the password).</summary>
    public string Database { get; }

    private static string Describe(NpgsqlConnectionStringBuilder builder) => $"{builder.Database ?? builder.Username ?? "postgres"} on {builder.Host ?? "localhost"}";

    /// <summary>Writes so far, the commits they took (writes per commit shows the grouping), and groups applied again without a failed write.</summary>
    public (long Writes, long Commits, long Retries) WriterCounters => (_writer.Writes, _writer.Commits, _writer.Retries);

    /// <summary>Lost writer connections replaced so far.</summary>
    public int Reconnects => _transactions.Reconnects;

    public event Action<Exception>? Failed;
    public Exception? Failure => _writer.Failure;

    /// <summary>Tests only: runs inside the group's transaction right after a batch row is inserted, to make a write fail there.</summary>
    internal Action<string, EventBatch>? AfterBatchInsert { get; set; }

    private string Sid(string sessionId) => _keys.StorageId(sessionId);

    private NpgsqlCommand Read(string sql, params object?[] values)
    {
        var command = _source.CreateCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    private NpgsqlCommand Write(string sql, params object?[] values)
    {
        var command = _transactions.Command(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    private List<T> All<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> row) => PostgresReads.All(_source, command, row);

    private static int Execute(NpgsqlCommand command)
    {
        using (command) return command.ExecuteNonQuery();
    }

    // ---- sessions ----

    private const string SessionColumns = "s.sid, s.body, k.content, k.identifiers FROM sessions s JOIN session_keys k ON k.sid = s.sid";

    /// <summary>The session of a row (sid, body, keys…); a row with a session of another id is refused.</summary>
    private static Session OpenSession(NpgsqlDataReader reader)
    {
        var sid = reader.GetString(0);
        return SealedSession.Open(sid, reader.GetFieldValue<byte[]>(1), PostgresKeys.Read(reader, 2));
    }

    private Session? OneSession(string where, object value, Func<Session, bool> exact) =>
        All(Read($"SELECT {SessionColumns} WHERE {where}", value), OpenSession).FirstOrDefault(exact);

    private NpgsqlCommand SessionUpsert(Session session, string sid, SessionKeys keys, string conflict) => Write(
        $"INSERT INTO sessions (sid, experiment, token, withdrawal, body, slot, slot_known) VALUES ($1, $2, $3, $4, $5, $6, true) {conflict}",
        sid, session.ExperimentId, SealedSession.Hash(session.Token),
        string.IsNullOrEmpty(session.WithdrawalCode) ? null : SealedSession.Hash(session.WithdrawalCode),
        SealedSession.Close(session, sid, keys, _options.Identifying), session.HeldSlot);

    /// <summary>
    /// Fills in the slot column of rows stored before it existed (migration 3) from their records,
    /// once: a row written since holds it already, and one this cannot open stays unknown (read as
    /// before by <see cref="TakenSlots"/>).
    /// </summary>
    private void FillSlots()
    {
        var unknown = All(Read($"SELECT {SessionColumns} WHERE NOT s.slot_known"), r =>
        {
            try { return (Sid: r.GetString(0), Slot: OpenSession(r).HeldSlot, Opened: true); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidDataException or System.Text.Json.JsonException)
            { return (Sid: r.GetString(0), Slot: (int?)null, Opened: false); }
        });
        if (unknown.Count == 0) return;
        using var connection = _source.OpenConnection();
        foreach (var row in unknown.Where(r => r.Opened))
        {
            // Only while still unknown: another instance opening now, or a write of this one, may have stored it since.
            using var fill = new NpgsqlCommand("UPDATE sessions SET slot = $2, slot_known = true WHERE sid = $1 AND NOT slot_known", connection);
            fill.Parameters.Add(new NpgsqlParameter { Value = row.Sid });
            fill.Parameters.Add(new NpgsqlParameter { Value = (object?)row.Slot ?? DBNull.Value });
            fill.ExecuteNonQuery();
        }
        _options.Log?.Invoke($"Assignment slots of {unknown.Count(r => r.Opened)} session(s) stored before schema version 3 filled in{(unknown.Any(r => !r.Opened) ? $"; {unknown.Count(r => !r.Opened)} record(s) could not be opened" : "")}");
    }

    // The slots from their own column (migration 3): one query, no session opened. A row no write of
    // this version has stored and FillSlots could not open is read as before.
    public IReadOnlyCollection<int> TakenSlots(string experimentId)
    {
        var taken = All(Read("SELECT slot FROM sessions WHERE experiment = $1 AND slot IS NOT NULL", experimentId), r => r.GetInt32(0));
        taken.AddRange(All(Read($"SELECT {SessionColumns} WHERE s.experiment = $1 AND NOT s.slot_known", experimentId), OpenSession).Select(s => s.HeldSlot).OfType<int>());
        return taken;
    }

    public Task InsertSession(Session session)
    {
        var sid = Sid(session.Id);
        var keys = _keys.Create(sid);
        return _writer.Enqueue(() =>
            Execute(SessionUpsert(session, sid, keys, "ON CONFLICT (sid) DO NOTHING")) == 1 ? true
                : throw new WriteRefusedException($"a session {session.Id} exists already"));
    }

    public Task SaveSession(Session session)
    {
        var sid = Sid(session.Id);
        var keys = _keys.Find(sid) ?? throw new WriteRefusedException($"no session {session.Id} (erased?)");
        var body = SealedSession.Close(session, sid, keys, _options.Identifying);
        return _writer.Enqueue(() => Execute(Write(
                "UPDATE sessions SET experiment = $2, token = $3, withdrawal = $4, body = $5, slot = $6, slot_known = true WHERE sid = $1",
                sid, session.ExperimentId, SealedSession.Hash(session.Token),
                string.IsNullOrEmpty(session.WithdrawalCode) ? null : SealedSession.Hash(session.WithdrawalCode), body, session.HeldSlot)) == 1
            ? true : throw new WriteRefusedException($"no session {session.Id}"));
    }

    public Task SaveRefusal(Session refusal)
    {
        var sid = Sid(refusal.Id);
        var keys = _keys.Find(sid) ?? _keys.Create(sid);
        return _writer.Enqueue(() =>
        {
            Execute(SessionUpsert(refusal, sid, keys,
                "ON CONFLICT (sid) DO UPDATE SET experiment = excluded.experiment, token = excluded.token, withdrawal = excluded.withdrawal, body = excluded.body, slot = excluded.slot, slot_known = true, ended = true, bytes = 0"));
            // A new row (no session was stored) ends too.
            Execute(Write("UPDATE sessions SET ended = true WHERE sid = $1", sid));
            Execute(Write("DELETE FROM events WHERE sid = $1", sid));
            Execute(Write("DELETE FROM streams WHERE sid = $1", sid));
            // A refusal holds no identifier: without its key it leaves the retention passes' reading (same transaction).
            Execute(Write("UPDATE session_keys SET identifiers = NULL WHERE sid = $1", sid));
            return true;
        });
    }

    public Session? FindSession(string id)
    {
        if (string.IsNullOrEmpty(id)) return null;
        return OneSession("s.sid = $1", Sid(id), s => string.Equals(s.Id, id, StringComparison.Ordinal));
    }

    public Session? FindSessionByToken(string token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        return OneSession("s.token = $1", SealedSession.Hash(token), s => string.Equals(s.Token, token, StringComparison.Ordinal));
    }

    public Session? FindSessionByWithdrawalCode(string code)
    {
        if (string.IsNullOrEmpty(code)) return null;
        return OneSession("s.withdrawal = $1", SealedSession.Hash(code), s => string.Equals(s.WithdrawalCode, code, StringComparison.Ordinal));
    }

    // Sessions whose keys are gone (erased) have no row here: the join leaves them out.
    public IReadOnlyList<Session> SessionsOf(string experimentId) =>
        All(Read($"SELECT {SessionColumns} WHERE s.experiment = $1 ORDER BY s.sid", experimentId), OpenSession);

    // The ids first, each session read when the pass comes to it (as the LiteDB store does): a
    // pass holds one decrypted session at a time, and one erased meanwhile is not handed to it.
    public IEnumerable<Session> SessionsHoldingIdentifiers(string experimentId) =>
        All(Read("SELECT s.sid FROM sessions s JOIN session_keys k ON k.sid = s.sid WHERE s.experiment = $1 AND k.identifiers IS NOT NULL ORDER BY s.sid", experimentId), r => r.GetString(0))
            .Select(sid => OneSession("s.sid = $1", sid, _ => true))
            .OfType<Session>();

    // ---- events ----

    public Task<long> Append(string sessionId, EventBatch batch)
    {
        var sid = Sid(sessionId);
        var found = All(Read("SELECT k.content, k.identifiers, s.experiment FROM session_keys k JOIN sessions s ON s.sid = k.sid WHERE k.sid = $1", sid),
            r => (Keys: PostgresKeys.Read(r, 0), Experiment: r.GetString(2))).FirstOrDefault();
        if (found.Keys is null) throw new BatchRefusedException(_keys.Find(sid) is null ? "the session has ended (its data was deleted)" : "unknown session");
        var payload = BatchPayload.Close(batch, sid, found.Keys, type => _options.Identifying.EventFields(found.Experiment, batch.Step, type));
        var receivedAt = DateTime.UtcNow.Ticks;
        return _writer.Enqueue(() =>
        {
            // One round trip: append_batch (Schema.sql) locks the session's row until the group commits
            // (another instance's write to it waits, then sees this one), decides and stores.
            var state = PostgresReads.Rows(Write(
                    "SELECT ended, bytes, durable, stored FROM append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    sid, batch.Stream, batch.Seq, batch.Last, batch.Step, payload.Length, receivedAt, payload, _options.SessionQuotaBytes),
                r => (Ended: r.GetBoolean(0), Bytes: r.GetInt64(1), Durable: r.GetInt64(2), Stored: r.GetBoolean(3))).ToList();
            if (state.Count == 0 || state[0].Ended) throw new BatchRefusedException("the session has ended (consent was declined or its data was deleted)");
            var (_, bytes, durable, stored) = state[0];
            BatchAdmission admission;
            try { admission = BatchAdmission.Decide(batch, durable, () => bytes, payload.Length, _options.SessionQuotaBytes); }
            catch (BatchRefusedException) when (stored) { throw Disagree(); }
            // A refusal above wrote nothing; a disagreement the other way rolls the group back (Broken).
            if (admission.Store != stored) throw Disagree();
            if (!stored) return durable;
            AfterBatchInsert?.Invoke(sessionId, batch);
            return batch.Last;
        });

        static InvalidOperationException Disagree() => new("append_batch in the database and BatchAdmission disagree on a batch (schema and code out of step?)");
    }

    public long DurableSeq(string sessionId, string stream = "") =>
        All(Read("SELECT durable FROM streams WHERE sid = $1 AND stream = $2", Sid(sessionId), stream), r => r.GetInt64(0)).FirstOrDefault();

    public IReadOnlyList<StoredBatch> Events(string sessionId, IReadOnlySet<string>? steps = null)
    {
        var sid = Sid(sessionId);
        if (_keys.Find(sid) is not { } keys) return [];
        return BatchPayload.InStreamOrder(All(
            steps is null
                ? Read("SELECT stream, from_seq, seq, last, step, received_at, payload FROM events WHERE sid = $1", sid)
                : Read("SELECT stream, from_seq, seq, last, step, received_at, payload FROM events WHERE sid = $1 AND step = ANY($2)", sid, steps.ToArray()),
            r => BatchPayload.Stored(sessionId, sid, r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetInt64(5), r.GetFieldValue<byte[]>(6), keys)));
    }

    // ---- erasure ----

    public async Task<DeletedRecords> DeleteSession(string sessionId)
    {
        var sid = Sid(sessionId);
        // One transaction: the keys go with everything sealed with them.
        var deleted = await _writer.Enqueue(() =>
        {
            Execute(Write("DELETE FROM session_keys WHERE sid = $1", sid));
            var codes = Execute(Write("DELETE FROM codes WHERE sid = $1", sid));
            var batches = PostgresReads.Rows(Write("DELETE FROM events WHERE sid = $1 RETURNING last - seq + 1", sid), r => r.GetInt64(0));
            Execute(Write("DELETE FROM streams WHERE sid = $1", sid));
            var sessions = Execute(Write("DELETE FROM sessions WHERE sid = $1", sid));
            return new DeletedRecords(sessions, batches.Count, (int)batches.Sum(), codes);
        });
        _keys.Vacuum();
        return deleted;
    }

    public async Task<bool> DeleteIdentifiers(string sessionId)
    {
        var sid = Sid(sessionId);
        var destroyed = await _writer.Enqueue(() =>
            Execute(Write("UPDATE session_keys SET identifiers = NULL WHERE sid = $1 AND identifiers IS NOT NULL", sid)) == 1);
        // The row's earlier version still holds the key until VACUUM prunes it.
        if (destroyed) _keys.Vacuum();
        return destroyed;
    }

    public Task LogDeletion(DeletionRecord record) =>
        _writer.Enqueue(() => Execute(Write("INSERT INTO deletions (id, body) VALUES ($1, $2::jsonb)", record.Id, JsonSerializer.Serialize(record))));

    public IReadOnlyList<DeletionRecord> Deletions() =>
        All(Read("SELECT body::text FROM deletions"), r => JsonSerializer.Deserialize<DeletionRecord>(r.GetString(0))!).OrderBy(d => d.Day).ToList();

    // ---- codes ----

    public Task SaveCode(CoderCode code)
    {
        var sid = Sid(code.SessionId);
        var keys = _keys.Find(sid) ?? throw new WriteRefusedException($"no session {code.SessionId} (erased?)");
        var id = SealedCode.Id(sid, code.StepId, code.Slot);
        var body = SealedCode.Close(code, id, keys);
        return _writer.Enqueue(() =>
        {
            var ended = PostgresReads.Rows(Write("SELECT ended FROM sessions WHERE sid = $1 FOR UPDATE", sid), r => r.GetBoolean(0));
            if (ended is not [false]) throw new WriteRefusedException($"the session {code.SessionId} has ended");
            return Execute(Write(
                "INSERT INTO codes (id, sid, experiment, body) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET experiment = excluded.experiment, body = excluded.body",
                id, sid, code.ExperimentId, body));
        });
    }

    public Task DeleteCode(string sessionId, string stepId, string coder)
    {
        var id = SealedCode.Id(Sid(sessionId), stepId, coder);
        return _writer.Enqueue(() => Execute(Write("DELETE FROM codes WHERE id = $1", id)));
    }

    private const string CodeColumns = "c.id, c.body, k.content, k.identifiers FROM codes c JOIN session_keys k ON k.sid = c.sid";

    // A code of an erased session has no keys: the join leaves it out.
    private static CoderCode? OpenCode(NpgsqlDataReader r) => SealedCode.Open(r.GetFieldValue<byte[]>(1), r.GetString(0), PostgresKeys.Read(r, 2));

    public IReadOnlyList<CoderCode> Codes(string experimentId) =>
        All(Read($"SELECT {CodeColumns} WHERE c.experiment = $1 ORDER BY c.id", experimentId), OpenCode).OfType<CoderCode>().ToList();

    public IReadOnlyList<CoderCode> CodesOf(string sessionId) =>
        All(Read($"SELECT {CodeColumns} WHERE c.sid = $1 ORDER BY c.id", Sid(sessionId)), OpenCode).OfType<CoderCode>().ToList();

    // ---- the rest ----

    public Task SaveAccount(ResearcherAccount account) => _writer.Enqueue(() => Execute(Write(
        "INSERT INTO accounts (id, body) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET body = excluded.body", account.Id, JsonSerializer.Serialize(account))));

    public ResearcherAccount? FindAccount(string id) =>
        All(Read("SELECT body::text FROM accounts WHERE id = $1", id), r => JsonSerializer.Deserialize<ResearcherAccount>(r.GetString(0))).FirstOrDefault();

    public int AccountCount() => All(Read("SELECT count(*) FROM accounts"), r => (int)r.GetInt64(0))[0];

    public IReadOnlyList<ResearcherAccount> Accounts() =>
        All(Read("SELECT body::text FROM accounts ORDER BY id"), r => JsonSerializer.Deserialize<ResearcherAccount>(r.GetString(0))!);

    public Task SaveExperimentState(ExperimentState state)
    {
        if (state.Status == ExperimentStatus.Full) throw new ArgumentException("full is not stored: it follows from the sessions", nameof(state));
        return _writer.Enqueue(() => Execute(Write(
            "INSERT INTO experiment_states (id, body) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET body = excluded.body", state.Id, JsonSerializer.Serialize(state))));
    }

    public IReadOnlyList<ExperimentState> ExperimentStates() =>
        All(Read("SELECT body::text FROM experiment_states ORDER BY id"), r => JsonSerializer.Deserialize<ExperimentState>(r.GetString(0))!);

    // The researcher's files, not participants' data, so kept plain.
    public Task SaveExperimentVersion(ExperimentVersion version) => _writer.Enqueue(() => Execute(Write(
        "INSERT INTO experiment_versions (experiment, hash, seen_at, file, text) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (experiment, hash) DO NOTHING",
        version.ExperimentId, version.Hash, version.SeenAt.ToUniversalTime().Ticks, version.File, version.Text)) == 1);

    public IReadOnlyList<ExperimentVersion> ExperimentVersions() => All(
        Read("SELECT experiment, hash, seen_at, file, text FROM experiment_versions ORDER BY experiment, seen_at"),
        r => new ExperimentVersion
        {
            ExperimentId = r.GetString(0),
            Hash = r.GetString(1),
            SeenAt = new DateTime(r.GetInt64(2), DateTimeKind.Utc),
            File = r.GetString(3),
            Text = r.GetString(4),
        });

    /// <summary>Several instances may write one database: sessions are read from it, slots chosen under <see cref="LockSlots"/>.</summary>
    public bool Shared => true;

    public Task<IAsyncDisposable> LockSlots(string experimentId) => LazyInitializer.EnsureInitialized(ref _slotLocks, () => new PostgresSlotLocks(_source)).Lock(experimentId);
    private PostgresSlotLocks? _slotLocks;

    /// <summary>Writes a small record through the writer and reads it back on another connection: whether the store can store now.</summary>
    public async Task CheckWritable()
    {
        var stamp = DateTime.UtcNow.Ticks;
        await _writer.Enqueue(() => Execute(Write("INSERT INTO health (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at", stamp)));
        long? read;
        try { read = All(Read("SELECT at FROM health WHERE id = 1"), r => r.GetInt64(0)).Cast<long?>().FirstOrDefault(); }
        catch (NpgsqlException e) { throw new StoreUnavailableException("the database cannot be read: " + e.Message, e); }
        if (read is not { } at || at < stamp) throw new StoreUnavailableException("the database did not return what was just written");
    }

    public void Dispose()
    {
        _writer.Dispose();
        _transactions.Dispose();
        _source.Dispose();
        _writerSource.Dispose();
    }
}
