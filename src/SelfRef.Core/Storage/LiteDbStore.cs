using System.Collections.Concurrent;
using LiteDB;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Storage;

/// <summary>
/// The embedded store: one LiteDB file in direct mode, opened once per process (two instances
/// on one file corrupt it), all writes through one <see cref="SingleWriter"/>.
///
/// Everything a session holds is sealed with its own keys (<see cref="SealedSession"/>,
/// <see cref="BatchPayload"/>), kept in a key file apart from the database
/// (<see cref="SessionKeyFile"/>). Erasing a session destroys its keys first, then deletes its
/// documents a few hundred at a time between other writes, so what stays in free pages or the
/// log cannot be read and nobody's acknowledgement waits for an erasure. The file is never
/// rebuilt.
///
/// Durability: a write completes after LiteDB's commit has written its log pages to the file,
/// so it survives a crash of this process (not, without fsync, a power cut); key changes are
/// flushed to disk (fsync) before they count.
///
/// One use of the engine at a time: LiteDB 5.0.21's page cache can hand a page that one thread
/// has found but not yet pinned to another thread (LiteDB issue #2817: "pages in memory store
/// must be non-shared", "share counter must be > 0", garbage reads), so every read takes
/// <c>_gate</c>, which the writer holds for each whole group. Reads list their documents inside
/// the gate and open (decrypt) them outside; large reads go a chunk at a time
/// (<see cref="ReadChunk"/> documents), so a group waits at most one chunk for them.
/// </summary>
public sealed class LiteDbStore : IStore
{
    private const string SessionsName = "sessions", EventsName = "events", AccountsName = "accounts", CodesName = "codes",
        ExperimentStatesName = "experimentStates", DeletionsName = "deletions", MetaName = "meta",
        ExperimentVersionsName = "experimentVersions";
    // Event documents deleted per write when a session is erased: small enough that acknowledgements queued behind do not wait long.
    internal const int EraseChunk = 200;
    // Documents a large read lists per turn at the gate: a group waits at most for one such chunk.
    internal const int ReadChunk = 200;

    private readonly LiteDatabase _db;
    private readonly FileStream _lock;
    private readonly SessionKeyFile _keys;
    private readonly SingleWriter _writer;
    private readonly StoreOptions _options;
    private readonly StoreGate _gate = new();
    private readonly ILiteCollection<BsonDocument> _sessions, _events, _codes, _meta, _versions;
    private readonly ILiteCollection<ResearcherAccount> _accounts;
    private readonly ILiteCollection<ExperimentState> _experimentStates;
    private readonly ILiteCollection<DeletionRecord> _deletions;

    // State the writes change, as the file holds it (published after each commit), keyed by storage
    // id (lower-case hex, so the database's case-blind collation finds nothing by accident) ...
    // highest durable event number per "{sid}/{stream}", and sealed bytes stored per session. Only
    // of the sessions that sent lately (TwoGenerationCache): the rest is read from the file again.
    private readonly TwoGenerationCache<long> _durable = new();
    private readonly TwoGenerationCache<long> _bytes = new();
    private long _rotatedAt = Environment.TickCount64;
    // How often the caches turned: a value read from the file while it stayed the same is still covered by them.
    private long _cacheGeneration;
    // Sessions erased or reduced to their refusal since start: a batch queued before must not bring events back.
    private readonly ConcurrentDictionary<string, bool> _ended = new(StringComparer.Ordinal);
    // ... and what the group being written changes: writer thread only, merged on commit, dropped on rollback.
    private readonly Dictionary<string, long> _pendingDurable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pendingBytes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingEnded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingForget = new(StringComparer.Ordinal);
    // The experiment of each session (plain in its document), for which of its event fields
    // identify; of the sessions used lately, like the two above.
    private readonly TwoGenerationCache<string> _experimentOf = new();

    public LiteDbStore(string path, StoreOptions? options = null)
    {
        _options = options ?? new StoreOptions();
        Path = System.IO.Path.GetFullPath(path);
        KeyFolder = System.IO.Path.GetFullPath(_options.KeyFolder ?? StoreOptions.DefaultKeyFolder(Path));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // LiteDB in direct mode takes no lock that another process or instance would see, and two
        // instances on one file corrupt it. An exclusive lock file turns that into a clear error.
        try
        {
            _lock = new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"the database {Path} is in use by another SelfRef process (a running server?); stop it first or use its researcher pages", e);
        }
        try
        {
            Migrate();
            _db = new LiteDatabase(Connection(Path), CreateMapper());
            _sessions = _db.GetCollection(SessionsName);
            _events = _db.GetCollection(EventsName);
            _meta = _db.GetCollection(MetaName);
            _accounts = _db.GetCollection<ResearcherAccount>(AccountsName);
            _codes = _db.GetCollection(CodesName);
            _experimentStates = _db.GetCollection<ExperimentState>(ExperimentStatesName);
            _deletions = _db.GetCollection<DeletionRecord>(DeletionsName);
            _versions = _db.GetCollection(ExperimentVersionsName);
            _keys = OpenKeys();
            _codes.EnsureIndex("experiment");
            _codes.EnsureIndex("session");
            _sessions.EnsureIndex("token", "$.token", unique: true);
            _sessions.EnsureIndex("withdrawal", "$.withdrawal");
            _sessions.EnsureIndex("experiment", "$.experiment");
            DropSessionIndex();
            FinishErasures();
        }
        catch
        {
            _keys?.Dispose();
            _db?.Dispose();
            _lock.Dispose();
            throw;
        }
        // Until here only this thread knew the database: from now on every use of it holds the gate.
        _writer = new SingleWriter(new LiteDbTransactions(_db), _gate, Committed, RolledBack, MaxGroup);
        _writer.Failed += e => Failed?.Invoke(e);
    }

    public string Path { get; }
    public string KeyFolder { get; }

    /// <summary>Writes so far, the commits they took (writes per commit shows the grouping), and groups applied again without a failed write.</summary>
    public (long Writes, long Commits, long Retries) WriterCounters => (_writer.Writes, _writer.Commits, _writer.Retries);

    /// <summary>
    /// The most writes one transaction of the writer holds. Each batch inserted lands at a random
    /// place of the events' _id skip list (ids begin with the session's random storage id), so its
    /// node's neighbours at every level lie on pages of their own: 6–8 changed pages per batch in the
    /// browser soak. LiteDB 5.0.21 keeps a transaction's changed pages in its page cache until the
    /// commit, takes another 8 MB segment whenever fewer than 1,000 cached pages are free to reuse,
    /// and never gives one back: the largest group sets the cache's size for good. Groups of up to
    /// 2,048 writes (after a short stall) changed up to ~2,000 pages at once and grew it through a
    /// whole study; 128 writes change at most ~1,100. The saturation benchmark commits as many
    /// events per second either way (docs/benchmarks.md).
    /// </summary>
    internal const int MaxGroup = 128;

    /// <summary>The most writes one commit has held since the store opened (at most <see cref="MaxGroup"/>).</summary>
    public int LargestGroup => _writer.LargestGroup;

    public event Action<Exception>? Failed;
    public Exception? Failure => _writer.Failure;

    /// <summary>Tests only: runs inside the group's transaction right after a batch document is inserted, to make a write fail there.</summary>
    internal Action<string, EventBatch>? AfterBatchInsert { get; set; }

    /// <summary>Tests only: runs in Append after what the file holds was read and before the batch is queued.</summary>
    internal Action<string, EventBatch>? BeforeBatchQueued { get; set; }

    /// <summary>Tests only: runs inside the gate as each read reaches the engine.</summary>
    internal Action? OnEngineAccess { get; set; }

    /// <summary>Tests only: runs when a read finds the gate taken, before it waits for it.</summary>
    internal Action? OnGateBusy { get; set; }

    /// <summary>Tests only: whether the writer has a group's transaction open, and whether the caller is the writer.</summary>
    internal bool WriterInGroup => _writer.InGroup;
    internal bool OnWriterThread => _writer.OnWriterThread;

    /// <summary>
    /// Runs <paramref name="read"/> holding the gate; it must list what it returns (no lazy LiteDB
    /// enumerable may leave) and never wait for the writer. Re-entrant: the writer's own reads pass.
    /// </summary>
    private T Read<T>(Func<T> read)
    {
        _gate.EnterRead(OnGateBusy);
        try
        {
            OnEngineAccess?.Invoke();
            return read();
        }
        finally { _gate.Exit(); }
    }

    /// <summary>
    /// The documents whose string _id lies from <paramref name="from"/> to <paramref name="to"/>
    /// (to the end when null), in _id order, <see cref="ReadChunk"/> per turn at the gate. A chunk
    /// resumes at the last _id seen, so documents committed meanwhile are seen if they fall after it;
    /// every document committed before the read began is seen (documents here are never moved).
    /// </summary>
    private IEnumerable<List<BsonDocument>> Chunks(ILiteCollection<BsonDocument> collection, string from, string? to)
    {
        string? last = null;
        while (true)
        {
            var start = last ?? from;
            // Inclusive, so from the second chunk on the first document is the last one seen before.
            var limit = last is null ? ReadChunk : ReadChunk + 1;
            var range = to is null ? Gte("_id", start) : Between("_id", start, to);
            var chunk = Read(() => collection.Find(range, 0, limit).ToList());
            var more = chunk.Count == limit;
            if (last is not null && chunk.Count > 0 && string.Equals(chunk[0]["_id"].AsString, last, StringComparison.Ordinal)) chunk.RemoveAt(0);
            if (chunk.Count > 0) yield return chunk;
            if (!more) yield break;
            last = chunk[^1]["_id"].AsString;
        }
    }

    private static BsonMapper CreateMapper()
    {
        // Store strings exactly as given: LiteDB would otherwise trim them and turn "" into null.
        var mapper = new BsonMapper { EnumAsInteger = false, EmptyStringToNull = false, TrimWhitespace = false };
        // LiteDB returns dates as local time; keep every date UTC both ways.
        mapper.RegisterType<DateTime>(d => new BsonValue(d.ToUniversalTime()), b => b.AsDateTime.ToUniversalTime());
        return mapper;
    }

    /// <summary>
    /// Direct mode; a new file compares strings ordinally (LiteDB's "binary" collation): every
    /// string the store looks up by is an id or a hash to be matched exactly, and ordinal
    /// comparisons cost the writer a fraction of culture-aware ones. A file keeps the collation it
    /// was created with (LiteDB refuses to open a file with another one), so an existing file is
    /// opened with its own.
    /// </summary>
    public static ConnectionString Connection(string path) => new()
    {
        Filename = path,
        Connection = ConnectionType.Direct,
        Collation = File.Exists(path) && new FileInfo(path).Length > 0 ? null : Collation.Binary,
    };

    /// <summary>
    /// Files written before a session's batches were found by their _id range (see BatchesOf) have a
    /// second index of every batch by session; it would be updated on every insert for nothing, so
    /// it goes (its nodes are deleted in one transaction; a crash during it leaves it as it was).
    /// </summary>
    private void DropSessionIndex()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (_events.DropIndex("session")) _options.Log?.Invoke($"Dropped the index of event batches by session of {Path} in {clock.Elapsed.TotalSeconds:F1} s (batches are found by their id)");
    }

    /// <summary>A database of an earlier SelfRef is sealed into a new file that replaces it (see LegacyFormat).</summary>
    private void Migrate()
    {
        if (!File.Exists(Path)) return;
        using var keys = new SessionKeyFile(KeyFolder);
        var migrated = LegacyFormat.MigrateIfNeeded(Path, keys, _options, CreateMapper());
        if (migrated > 0) _options.Log?.Invoke($"Migrated {migrated} session(s) of {Path} to sealed storage (each session under its own keys in {KeyFolder})");
    }

    /// <summary>
    /// The key file, checked to belong to this database: started with another key folder, every
    /// session would look erased, so a database that has sessions opens only with its own keys.
    /// </summary>
    private SessionKeyFile OpenKeys()
    {
        var file = System.IO.Path.Combine(KeyFolder, SessionKeyFile.FileName);
        var stored = _meta.FindById("keys");
        var hasSessions = _sessions.Count() > 0;
        if (!File.Exists(file) && (stored is not null || hasSessions))
            throw new IOException($"the session key file {file} is missing: the sessions in {Path} can only be read with the key folder they were written with (give it with --keys)");
        var keys = new SessionKeyFile(KeyFolder);
        try
        {
            if (stored is null)
            {
                if (hasSessions && keys.Count == 0)
                    throw new IOException($"the key folder {KeyFolder} holds no keys of the sessions in {Path}; start with the key folder the data was written with (--keys)");
                _meta.Upsert(new BsonDocument { ["_id"] = "keys", ["file"] = keys.Id });
            }
            else if (!string.Equals(stored["file"].AsString, keys.Id, StringComparison.Ordinal))
                throw new IOException($"the key folder {KeyFolder} belongs to another database than {Path}; start with the key folder the data was written with (--keys)");
            return keys;
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An erasure cut short by a crash destroyed the keys and left documents: they are unreadable
    /// and go now. Keys made for a session whose document was never stored go too.
    /// </summary>
    private void FinishErasures()
    {
        var stored = _sessions.Query().Select("{ id: $._id }").ToEnumerable().Select(d => d["id"].AsString).ToHashSet(StringComparer.Ordinal);
        foreach (var sid in stored.Where(sid => _keys.Find(sid) is null))
        {
            _sessions.Delete(sid);
            _codes.DeleteMany(Eq("session", sid));
            _events.DeleteMany(BatchesOf(sid));
        }
        foreach (var sid in _keys.Sessions().Where(sid => !stored.Contains(sid))) _keys.DestroyAll(sid);
    }

    /// <summary>The id a session is filed under here: never its pseudonym (see SessionKeyFile.StorageId).</summary>
    private string Sid(string sessionId) => _keys.StorageId(sessionId);

    // ---- the group's state ----

    private void Committed()
    {
        foreach (var (key, value) in _pendingDurable) _durable.Set(key, value);
        foreach (var (key, value) in _pendingBytes) _bytes.Set(key, value);
        foreach (var sid in _pendingEnded) _ended[sid] = true;
        foreach (var sid in _pendingForget) Forget(sid);
        RolledBack();
        if (Environment.TickCount64 - _rotatedAt >= _options.SessionCacheGeneration.TotalMilliseconds) RotateCaches();
    }

    // Writer thread only (after a commit), like every change of the durable numbers: a session
    // untouched for a generation or two leaves the caches.
    private void RotateCaches()
    {
        _durable.Rotate();
        _bytes.Rotate();
        _experimentOf.Rotate();
        _rotatedAt = Environment.TickCount64;
        Interlocked.Increment(ref _cacheGeneration);
    }

    /// <summary>Tests only: the entries the store's per-session caches hold now.</summary>
    internal int CachedEntries => _durable.Count + _bytes.Count + _experimentOf.Count;

    private void RolledBack()
    {
        _pendingDurable.Clear();
        _pendingBytes.Clear();
        _pendingEnded.Clear();
        _pendingForget.Clear();
    }

    private bool Ended(string sid) => _pendingEnded.Contains(sid) || _ended.ContainsKey(sid);

    // A session that ended or was erased leaves every cache.
    private void Forget(string sid)
    {
        _durable.RemoveStartingWith(sid + "/");
        _bytes.Remove(sid);
        _experimentOf.Remove(sid);
    }

    // ---- sessions ----

    private BsonDocument SessionDocument(Session session, string sid, SessionKeys keys) => SessionDocument(session, sid, keys, _options.Identifying);

    internal static BsonDocument SessionDocument(Session session, string sid, SessionKeys keys, IdentifyingData identifying) => new()
    {
        ["_id"] = sid,
        ["experiment"] = session.ExperimentId,
        ["token"] = SealedSession.Hash(session.Token),
        ["withdrawal"] = string.IsNullOrEmpty(session.WithdrawalCode) ? BsonValue.Null : SealedSession.Hash(session.WithdrawalCode),
        ["body"] = SealedSession.Close(session, sid, keys, identifying),
    };

    public async Task InsertSession(Session session)
    {
        var sid = Sid(session.Id);
        var keys = _keys.Create(sid);
        var document = SessionDocument(session, sid, keys);
        _experimentOf.Set(sid, string.Intern(session.ExperimentId));
        await _writer.Enqueue(() =>
        {
            if (_sessions.FindById(sid) is not null) throw new WriteRefusedException($"a session {session.Id} exists already");
            _sessions.Insert(document);
            // A new session has no events: the first batch of its first tab need not look for any.
            _pendingDurable[StreamKey(sid, "")] = 0;
            _pendingBytes[sid] = 0;
            return true;
        });
    }

    public Task SaveSession(Session session)
    {
        var sid = Sid(session.Id);
        var keys = _keys.Find(sid) ?? throw new WriteRefusedException($"no session {session.Id} (erased?)");
        var document = SessionDocument(session, sid, keys);
        return _writer.Enqueue(() => _sessions.Update(document) ? true : throw new WriteRefusedException($"no session {session.Id}"));
    }

    public async Task SaveRefusal(Session refusal)
    {
        var sid = Sid(refusal.Id);
        var keys = _keys.Find(sid) ?? _keys.Create(sid);
        var document = SessionDocument(refusal, sid, keys);
        await _writer.Enqueue(() =>
        {
            _sessions.Upsert(document);
            _events.DeleteMany(BatchesOf(sid));
            _pendingEnded.Add(sid);
            _pendingForget.Add(sid);
            return true;
        });
        // A refusal holds no identifier: without its key the session leaves the retention passes'
        // reading. Only once the refusal is committed: a crash before leaves the key (harmless on a
        // refusal, destroyed by the next pass), never a session under way without one.
        _keys.DestroyIdentifiers(sid);
    }

    public Session? FindSession(string id)
    {
        if (string.IsNullOrEmpty(id)) return null;
        var sid = Sid(id);
        var session = Open(Read(() => _sessions.FindById(sid)));
        return session is not null && string.Equals(session.Id, id, StringComparison.Ordinal) ? session : null;
    }

    public Session? FindSessionByToken(string token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var hash = SealedSession.Hash(token);
        var session = Open(Read(() => _sessions.FindOne(Eq("token", hash))));
        return session is not null && string.Equals(session.Token, token, StringComparison.Ordinal) ? session : null;
    }

    public Session? FindSessionByWithdrawalCode(string code)
    {
        if (string.IsNullOrEmpty(code)) return null;
        var hash = SealedSession.Hash(code);
        var session = Open(Read(() => _sessions.FindOne(Eq("withdrawal", hash))));
        return session is not null && string.Equals(session.WithdrawalCode, code, StringComparison.Ordinal) ? session : null;
    }

    // Chunks of all sessions by _id: the experiment index orders a key's documents by insertion, so
    // it cannot resume a chunk where the last ended; the sessions of other experiments cost a read.
    public IReadOnlyList<Session> SessionsOf(string experimentId) =>
        Chunks(_sessions, "", null).SelectMany(chunk => chunk)
            .Where(d => string.Equals(d["experiment"].AsString, experimentId, StringComparison.Ordinal))
            .Select(Open)
            .OfType<Session>()
            .ToList();

    // Read one by one as the pass walks them (each its own read): a retention pass used to hold
    // every session under way, decrypted, for as long as it ran; they outlived the young
    // collections and died in gen 2, which grew the heap of a busy server by the minute.
    public IEnumerable<Session> SessionsHoldingIdentifiers(string experimentId) =>
        _keys.SessionsWithIdentifiers()
            .Where(sid => string.Equals(ExperimentOf(sid), experimentId, StringComparison.Ordinal))
            .Select(sid => Open(Read(() => _sessions.FindById(sid))))
            .OfType<Session>();

    /// <summary>The session of a stored document; null when its keys are gone (erased).</summary>
    private Session? Open(BsonDocument? document)
    {
        if (document is null) return null;
        var sid = document["_id"].AsString;
        if (_keys.Find(sid) is not { } keys) return null;
        var session = SealedSession.Open(sid, document["body"].AsBinary, keys);
        if (!string.Equals(Sid(session.Id), sid, StringComparison.Ordinal)) throw new InvalidDataException($"session record {sid} holds another session");
        _experimentOf.Set(sid, string.Intern(session.ExperimentId));
        return session;
    }

    private string? ExperimentOf(string sid)
    {
        // A session's experiment never changes: a hit in the old generation may be kept young from any thread.
        if (_experimentOf.TryGet(sid, out var known))
        {
            _experimentOf.Set(sid, known);
            return known;
        }
        if (Read(() => _sessions.FindById(sid)) is not { } document) return null;
        var experimentId = string.Intern(document["experiment"].AsString);
        _experimentOf.Set(sid, experimentId);
        return experimentId;
    }

    // ---- events ----

    public Task<long> Append(string sessionId, EventBatch batch)
    {
        var sid = Sid(sessionId);
        if (_keys.Find(sid) is not { } keys) throw new BatchRefusedException("the session has ended (its data was deleted)");
        var experimentId = ExperimentOf(sid) ?? throw new BatchRefusedException("unknown session");
        var payload = BatchPayload.Close(batch, sid, keys, type => _options.Identifying.EventFields(experimentId, batch.Step, type));
        var key = StreamKey(sid, batch.Stream);
        // A session the caches do not hold (it sent nothing lately, or began before a restart): its
        // durable number and stored bytes are read here, outside the group's transaction, where the
        // query holds up nobody's acknowledgement. They are exact when used: a batch of the session
        // committed in between sets the caches, and what the caches hold wins; the caches keep it
        // unless they turn twice, so after any turn the writer reads the file again instead.
        // (Interlocked.Read: a full fence, so the generation is read before the file is.)
        var generation = Interlocked.Read(ref _cacheGeneration);
        long? storedDurable = _durable.Contains(key) ? null : ReadDurableSeq(sid, batch.Stream);
        long? storedBytes = _bytes.Contains(sid) ? null : ReadStoredBytes(sid);
        BeforeBatchQueued?.Invoke(sessionId, batch);
        // Filed as if the batch starts right after what is durable, as it nearly always does; the
        // writer renumbers it when the file holds some of its events already. (The session is in the
        // _id: see BatchesOf.)
        var id = EventId(sid, batch.Stream, batch.Seq);
        var document = new BsonDocument
        {
            ["_id"] = id,
            ["stream"] = batch.Stream,
            ["from"] = batch.Seq,
            ["seq"] = batch.Seq,
            ["last"] = batch.Last,
            ["step"] = batch.Step,
            ["bytes"] = payload.Length,
            ["payload"] = payload,
            ["receivedAt"] = DateTime.UtcNow.Ticks,
        };
        return _writer.Enqueue(() =>
        {
            if (Ended(sid)) throw new BatchRefusedException("the session has ended (consent was declined or its data was deleted)");
            var readStillHolds = Interlocked.Read(ref _cacheGeneration) == generation;
            var durable = _pendingDurable.TryGetValue(key, out var pending) ? pending
                : _durable.TryGet(key, out var known) ? known
                : (readStillHolds ? storedDurable : null) ?? ReadDurableSeq(sid, batch.Stream);
            var admission = BatchAdmission.Decide(batch, durable,
                () => _pendingBytes.TryGetValue(sid, out var pendingBytes) ? pendingBytes
                    : _bytes.TryGet(sid, out var knownBytes) ? knownBytes
                    : (readStillHolds ? storedBytes : null) ?? ReadStoredBytes(sid),
                payload.Length, _options.SessionQuotaBytes);
            if (!admission.Store) return durable;
            // Events the file holds already stay in the payload but are skipped when read ("seq" is the first new one).
            var first = admission.First;
            document["_id"] = first == batch.Seq ? id : EventId(sid, batch.Stream, first);
            document["seq"] = first;
            _events.Insert(document);
            AfterBatchInsert?.Invoke(sessionId, batch);
            _pendingDurable[key] = batch.Last;
            _pendingBytes[sid] = admission.Bytes;
            return batch.Last;
        });
    }

    public long DurableSeq(string sessionId, string stream = "")
    {
        var sid = Sid(sessionId);
        return _durable.TryGet(StreamKey(sid, stream), out var known) ? known : ReadDurableSeq(sid, stream);
    }

    private long ReadDurableSeq(string sid, string stream)
    {
        var last = Read(() => _events.Query()
            .Where(Between("_id", EventId(sid, stream, 0), EventId(sid, stream, long.MaxValue)))
            .OrderByDescending("_id")
            .Limit(1)
            .FirstOrDefault());
        return last is null ? 0 : last["last"].AsInt64;
    }

    /// <summary>Tests only: the sealed bytes a session has stored, as the quota counts them.</summary>
    internal long StoredBytes(string sessionId)
    {
        var sid = Sid(sessionId);
        return _bytes.TryGet(sid, out var known) ? known : ReadStoredBytes(sid);
    }

    private long ReadStoredBytes(string sid) => BatchDocuments(sid).Sum(d => (long)d["bytes"].AsInt32);

    // Every batch of a session (see BatchesOf), a chunk at a time.
    private IEnumerable<BsonDocument> BatchDocuments(string sid) => Chunks(_events, sid + "/", sid + "0").SelectMany(chunk => chunk);

    public IReadOnlyList<StoredBatch> Events(string sessionId, IReadOnlySet<string>? steps = null)
    {
        var sid = Sid(sessionId);
        if (_keys.Find(sid) is not { } keys) return [];
        var documents = BatchDocuments(sid);
        if (steps is not null) documents = documents.Where(d => steps.Contains(d["step"].AsString));
        return BatchPayload.InStreamOrder(documents.Select(d => BatchPayload.Stored(
            sessionId, sid, d["stream"].AsString, d["from"].AsInt64, d["seq"].AsInt64, d["last"].AsInt64, d["step"].AsString,
            d["receivedAt"].AsInt64, d["payload"].AsBinary, keys)));
    }

    // ---- erasure ----

    public async Task<DeletedRecords> DeleteSession(string sessionId)
    {
        var sid = Sid(sessionId);
        var (sessions, codes) = await _writer.Enqueue(() =>
        {
            // The keys go first and for good (flushed): from here on nothing of the session can be read.
            _keys.DestroyAll(sid);
            var deleted = _sessions.Delete(sid) ? 1 : 0;
            var codeCount = _codes.DeleteMany(Eq("session", sid));
            _pendingEnded.Add(sid);
            _pendingForget.Add(sid);
            return (deleted, codeCount);
        });
        // Then the documents, a few at a time, so acknowledgements of others pass in between.
        int batches = 0, events = 0;
        while (true)
        {
            var (count, eventCount) = await _writer.Enqueue(() =>
            {
                var chunk = _events.Find(BatchesOf(sid), 0, EraseChunk).ToList();
                var n = 0;
                foreach (var document in chunk)
                {
                    _events.Delete(document["_id"]);
                    n += (int)(document["last"].AsInt64 - document["seq"].AsInt64 + 1);
                }
                return (chunk.Count, n);
            });
            if (count == 0) break;
            batches += count;
            events += eventCount;
        }
        return new DeletedRecords(sessions, batches, events, codes);
    }

    public Task<bool> DeleteIdentifiers(string sessionId)
    {
        var sid = Sid(sessionId);
        return _writer.Enqueue(() => _keys.DestroyIdentifiers(sid));
    }

    public Task LogDeletion(DeletionRecord record) => _writer.Enqueue(() => _deletions.Insert(record));

    public IReadOnlyList<DeletionRecord> Deletions() => Read(() => _deletions.FindAll().ToList()).OrderBy(d => d.Day).ToList();

    // ---- codes: sealed with the coded session's key, so an erased session's codes go with it ----

    public Task SaveCode(CoderCode code)
    {
        var sid = Sid(code.SessionId);
        var keys = _keys.Find(sid) ?? throw new WriteRefusedException($"no session {code.SessionId} (erased?)");
        var document = CodeDocument(code, sid, keys);
        return _writer.Enqueue(() =>
        {
            if (Ended(sid)) throw new WriteRefusedException($"the session {code.SessionId} has ended");
            return _codes.Upsert(document);
        });
    }

    internal static BsonDocument CodeDocument(CoderCode code, string sid, SessionKeys keys)
    {
        var id = SealedCode.Id(sid, code.StepId, code.Slot);
        return new BsonDocument
        {
            ["_id"] = id,
            ["experiment"] = code.ExperimentId,
            ["session"] = sid,
            ["body"] = SealedCode.Close(code, id, keys),
        };
    }

    public Task DeleteCode(string sessionId, string stepId, string coder)
    {
        var id = SealedCode.Id(Sid(sessionId), stepId, coder);
        return _writer.Enqueue(() => _codes.Delete(id));
    }

    public IReadOnlyList<CoderCode> Codes(string experimentId) =>
        OpenCodes(Read(() => _codes.Find(Eq("experiment", experimentId)).ToList()).Where(d => string.Equals(d["experiment"].AsString, experimentId, StringComparison.Ordinal)));

    public IReadOnlyList<CoderCode> CodesOf(string sessionId)
    {
        var sid = Sid(sessionId);
        return OpenCodes(Read(() => _codes.Find(Eq("session", sid)).ToList()));
    }

    // A code of an erased session cannot be opened: it is as good as gone.
    private List<CoderCode> OpenCodes(IEnumerable<BsonDocument> documents) => documents
        .Select(d => _keys.Find(d["session"].AsString) is { } keys
            ? SealedCode.Open(d["body"].AsBinary, d["_id"].AsString, keys)
            : null)
        .OfType<CoderCode>()
        .ToList();

    // ---- the rest ----

    public Task SaveAccount(ResearcherAccount account) => _writer.Enqueue(() => _accounts.Upsert(account));

    public ResearcherAccount? FindAccount(string id) =>
        Read(() => _accounts.FindById(id)) is { } account && string.Equals(account.Id, id, StringComparison.Ordinal) ? account : null;

    public int AccountCount() => Read(() => _accounts.Count());

    public IReadOnlyList<ResearcherAccount> Accounts() => Read(() => _accounts.FindAll().ToList()).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();

    public Task SaveExperimentState(ExperimentState state)
    {
        if (state.Status == ExperimentStatus.Full) throw new ArgumentException("full is not stored: it follows from the sessions", nameof(state));
        return _writer.Enqueue(() => _experimentStates.Upsert(state));
    }

    public IReadOnlyList<ExperimentState> ExperimentStates() => Read(() => _experimentStates.FindAll().ToList());

    // ---- experiment versions: the researcher's files, not participants' data, so kept plain ----

    public Task SaveExperimentVersion(ExperimentVersion version)
    {
        // The hash is lower-case hex, so the case-blind _id compares it exactly.
        var document = new BsonDocument
        {
            ["_id"] = $"{version.ExperimentId}/{version.Hash}",
            ["experiment"] = version.ExperimentId,
            ["hash"] = version.Hash,
            ["seenAt"] = version.SeenAt.ToUniversalTime().Ticks,
            ["file"] = version.File,
            ["text"] = version.Text,
        };
        return _writer.Enqueue(() => _versions.FindById(document["_id"]) is null && _versions.Insert(document) is not null);
    }

    public IReadOnlyList<ExperimentVersion> ExperimentVersions() => Read(() => _versions.FindAll().ToList())
        // Ids compare without case in LiteDB: the experiment id is checked exactly here.
        .Where(d => string.Equals(d["_id"].AsString, $"{d["experiment"].AsString}/{d["hash"].AsString}", StringComparison.Ordinal))
        .Select(d => new ExperimentVersion
        {
            ExperimentId = d["experiment"].AsString,
            Hash = d["hash"].AsString,
            SeenAt = new DateTime(d["seenAt"].AsInt64, DateTimeKind.Utc),
            File = d["file"].AsString,
            Text = d["text"].AsString,
        })
        .ToList();

    /// <summary>Writes a small record through the writer and reads it back: whether the store can store now.</summary>
    public async Task CheckWritable()
    {
        var stamp = DateTime.UtcNow.Ticks;
        await _writer.Enqueue(() => _meta.Upsert(new BsonDocument { ["_id"] = "health", ["at"] = stamp }));
        if (Read(() => _meta.FindById("health"))?["at"].AsInt64 is not { } read || read < stamp)
            throw new StoreUnavailableException("the database did not return what was just written");
    }

    private static string StreamKey(string sid, string stream) => $"{sid}/{stream}";

    // Zero-padded so that the _id index orders a stream's batches by sequence number.
    public static string EventId(string sid, string stream, long seq) => $"{sid}/{stream}/{seq:D19}";

    /// <summary>
    /// Every batch of a session and nothing else, as a range of the _id index: a batch's id starts
    /// with "{sid}/", a storage id is 32 hex digits, and '0' is the character after '/', both
    /// ordinally and in culture-aware collations (which files created before the ordinal one keep).
    /// </summary>
    // LiteDB's Query.EQ/Between/GTE write the value into the expression's text, and LiteDB compiles
    // every distinct text once and keeps it for the life of the process (BsonExpression's static
    // cache): a query per session, token or chunk is a compiled delegate per session, token or chunk,
    // memory that grows for as long as the server runs and a compilation on every new value. Values
    // go in as parameters instead, so these queries have a handful of texts, compiled once.
    private static BsonExpression Eq(string field, BsonValue value) => BsonExpression.Create($"{field} = @0", value);
    private static BsonExpression Between(string field, BsonValue from, BsonValue to) => BsonExpression.Create($"{field} BETWEEN @0 AND @1", from, to);
    private static BsonExpression Gte(string field, BsonValue from) => BsonExpression.Create($"{field} >= @0", from);

    internal static BsonExpression BatchesOf(string sid) => Between("_id", sid + "/", sid + "0");

    public void Dispose()
    {
        // The lock goes last and whatever happens: a failed close must not keep the file from being opened again.
        try
        {
            _writer.Dispose();
            try { lock (_gate.Lock) _db.Dispose(); }
            catch when (_writer.Failure is not null) { /* the database had failed already; nothing more to save */ }
            _keys.Dispose();
        }
        finally { _lock.Dispose(); }
    }
}
