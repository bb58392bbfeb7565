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
/// Durability: a write completes after LiteDB's commit has written its log pages to the file,
/// so it survives a crash of this process (not, without fsync, a power cut).
/// </summary>
public sealed class LiteDbStore : IStore
{
    private const string SessionsName = "sessions", EventsName = "events", AccountsName = "accounts", CodesName = "codes",
        ExperimentStatesName = "experimentStates", DeletionsName = "deletions";

    private readonly LiteDatabase _db;
    private readonly FileStream _lock;
    private readonly SingleWriter _writer;
    private readonly ILiteCollection<Session> _sessions;
    private readonly ILiteCollection<BsonDocument> _events;
    private readonly ILiteCollection<ResearcherAccount> _accounts;
    private readonly ILiteCollection<CoderCode> _codes;
    private readonly ILiteCollection<ExperimentState> _experimentStates;
    private readonly ILiteCollection<DeletionRecord> _deletions;
    // Reads share the file; a rebuild (Compact) replaces it and needs it alone.
    private readonly ReaderWriterLockSlim _file = new(LockRecursionPolicy.SupportsRecursion);
    // Sessions deleted (withdrawn) since start: a batch queued before the deletion must not bring
    // events back. Touched only on the writer thread.
    private readonly HashSet<string> _deleted = [];
    // Something was deleted or rewritten since the last rebuild. Writer thread only.
    private bool _dirty;
    // Highest durable event number per session and stream ("{session}/{stream}"); written only on the writer thread.
    private readonly ConcurrentDictionary<string, long> _durable = new();
    // Sessions reduced to their refusal; a batch that was checked before the refusal but queued
    // after it must not bring events back. Touched only on the writer thread.
    private readonly HashSet<string> _refused = [];

    public LiteDbStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
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
        try { _db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct }, CreateMapper()); }
        catch { _lock.Dispose(); throw; }
        _sessions = _db.GetCollection<Session>(SessionsName);
        _events = _db.GetCollection(EventsName);
        _accounts = _db.GetCollection<ResearcherAccount>(AccountsName);
        _codes = _db.GetCollection<CoderCode>(CodesName);
        _experimentStates = _db.GetCollection<ExperimentState>(ExperimentStatesName);
        _deletions = _db.GetCollection<DeletionRecord>(DeletionsName);
        _codes.EnsureIndex(c => c.ExperimentId);
        _sessions.EnsureIndex(s => s.WithdrawalCode);
        _sessions.EnsureIndex(s => s.Token, unique: true);
        _sessions.EnsureIndex(s => s.ExperimentId);
        _events.EnsureIndex("session");
        _writer = new SingleWriter(_db);
    }

    public string Path { get; }

    /// <summary>Writes so far and the commits they took: writes per commit shows the grouping.</summary>
    public (long Writes, long Commits) WriterCounters => (_writer.Writes, _writer.Commits);

    private static BsonMapper CreateMapper()
    {
        // Store strings exactly as given: LiteDB would otherwise trim them and turn "" into null.
        var mapper = new BsonMapper { EnumAsInteger = false, EmptyStringToNull = false, TrimWhitespace = false };
        // LiteDB returns dates as local time; keep every date UTC both ways.
        mapper.RegisterType<DateTime>(d => new BsonValue(d.ToUniversalTime()), b => b.AsDateTime.ToUniversalTime());
        mapper.Entity<Session>().Ignore(s => s.CurrentStep).Ignore(s => s.IsOpen);
        return mapper;
    }

    public Task InsertSession(Session session) => _writer.Enqueue(db =>
    {
        _sessions.Insert(session);
        // A new session has no events: the first batch of its first tab need not look for any.
        return _durable[StreamKey(session.Id, "")] = 0;
    }, undo: () => _durable.TryRemove(StreamKey(session.Id, ""), out _));

    public Task SaveSession(Session session) => _writer.Enqueue(db =>
    {
        if (!_sessions.Update(session)) throw new KeyNotFoundException($"no session {session.Id}");
        return true;
    });

    public Task SaveRefusal(Session refusal) => _writer.Enqueue(db =>
    {
        _sessions.Upsert(refusal);
        _events.DeleteMany(SessionRange(refusal.Id));
        _refused.Add(refusal.Id);
        foreach (var key in _durable.Keys.Where(k => k.StartsWith(refusal.Id + "/", StringComparison.Ordinal))) _durable.TryRemove(key, out _);
        return true;
    }, undo: () => _refused.Remove(refusal.Id));

    public Session? FindSession(string id) => Read(() => _sessions.FindById(id));

    public Session? FindSessionByToken(string token) => Read(() => _sessions.FindOne(s => s.Token == token));

    public Session? FindSessionByWithdrawalCode(string code) =>
        string.IsNullOrEmpty(code) ? null : Read(() => _sessions.FindOne(s => s.WithdrawalCode == code));

    public IReadOnlyList<Session> SessionsOf(string experimentId) => Read(() => _sessions.Find(s => s.ExperimentId == experimentId).ToList());

    public Task<long> Append(string sessionId, EventBatch batch)
    {
        long? previous = null;
        // A session the writer has not seen since start (it began before a restart): its durable
        // number is read here, outside the group's transaction, where the query is cheap and holds
        // up nobody's acknowledgement. It is exact when used: the writer uses it only if no batch
        // of the session was applied in between, and then the file still says the same.
        var key = StreamKey(sessionId, batch.Stream);
        long? stored = _durable.ContainsKey(key) ? null : ReadDurableSeq(sessionId, batch.Stream);
        return _writer.Enqueue(db =>
        {
            if (_refused.Contains(sessionId)) throw new BatchRefusedException("the session has ended (consent was declined)");
            if (_deleted.Contains(sessionId)) throw new BatchRefusedException("the session has ended (its data was deleted)");
            var durable = _durable.TryGetValue(key, out var known) ? known : stored ?? ReadDurableSeq(sessionId, batch.Stream);
            previous = durable;
            if (batch.Last <= durable) return durable;
            if (batch.Seq > durable + 1)
                throw new BatchRefusedException($"sequence gap: the next event expected is {durable + 1}, the batch starts at {batch.Seq}");
            var skip = (int)(durable + 1 - batch.Seq);
            _events.Insert(ToDocument(sessionId, batch, skip));
            _durable[key] = batch.Last;
            return batch.Last;
        }, undo: () =>
        {
            if (previous is { } p) _durable[key] = p;
        });
    }

    public long DurableSeq(string sessionId, string stream = "") => ReadDurableSeq(sessionId, stream);

    private long ReadDurableSeq(string sessionId, string stream) => Read(() =>
    {
        var last = _events.Query()
            .Where(Query.Between("_id", EventId(sessionId, stream, 0), EventId(sessionId, stream, long.MaxValue)))
            .OrderByDescending("_id")
            .Limit(1)
            .FirstOrDefault();
        return last is null ? 0 : last["last"].AsInt64;
    });

    public IReadOnlyList<StoredBatch> Events(string sessionId) => Read(() =>
        _events.Find(SessionRange(sessionId))
            .Select(FromDocument)
            .GroupBy(b => b.Stream)
            .OrderBy(stream => stream.Min(b => b.ReceivedAt))
            .SelectMany(stream => stream.OrderBy(b => b.Seq))
            .ToList());

    public Task SaveCode(CoderCode code) =>
        _writer.Enqueue(db => _codes.Upsert(code with { Id = CoderCode.Key(code.SessionId, code.StepId, code.Coder) }));

    public IReadOnlyList<CoderCode> Codes(string experimentId) => Read(() => _codes.Find(c => c.ExperimentId == experimentId).ToList());

    public Task SaveAccount(ResearcherAccount account) => _writer.Enqueue(db => _accounts.Upsert(account));

    public ResearcherAccount? FindAccount(string id) => Read(() => _accounts.FindById(id));

    public int AccountCount() => Read(() => _accounts.Count());

    public async Task<DeletedRecords> DeleteSession(string sessionId)
    {
        var deleted = await _writer.Enqueue(db =>
        {
            var events = _events.Find(SessionRange(sessionId)).Sum(b => b["events"].AsArray.Count);
            var codes = _codes.DeleteMany(c => c.SessionId == sessionId);
            var batches = _events.DeleteMany(SessionRange(sessionId));
            var sessions = _sessions.Delete(sessionId) ? 1 : 0;
            _deleted.Add(sessionId);
            foreach (var key in _durable.Keys.Where(k => k.StartsWith(sessionId + "/", StringComparison.Ordinal))) _durable.TryRemove(key, out _);
            _dirty = true;
            return new DeletedRecords(sessions, batches, events, codes);
        }, undo: () => _deleted.Remove(sessionId));
        // The deleted documents' old pages stay in the log file until a checkpoint copies the
        // current pages (where LiteDB has cleared them) into the data file and empties the log.
        await _writer.EnqueueExclusive(db => { db.Checkpoint(); return true; });
        return deleted;
    }

    public Task<int> RewriteEventData(string sessionId, Func<string, string, string?, string?> rewrite) => _writer.Enqueue(db =>
    {
        // Everything is computed before the first write, so a failing rewrite leaves the group untouched.
        var changed = new List<BsonDocument>();
        var events = 0;
        foreach (var batch in _events.Find(SessionRange(sessionId)))
        {
            var step = batch["step"].AsString;
            var touched = false;
            foreach (var e in batch["events"].AsArray.Select(v => v.AsDocument))
            {
                var data = e.TryGetValue("data", out var value) ? JsonSerializer.Serialize(value) : null;
                var next = rewrite(step, e["type"].AsString, data);
                if (next == data) continue;
                if (next is null) e.Remove("data");
                else e["data"] = JsonSerializer.Deserialize(next);
                touched = true;
                events++;
            }
            if (touched) changed.Add(batch);
        }
        foreach (var batch in changed) _events.Update(batch);
        if (events > 0) _dirty = true;
        return events;
    });

    public Task LogDeletion(DeletionRecord record) => _writer.Enqueue(db => _deletions.Insert(record));

    public IReadOnlyList<DeletionRecord> Deletions() => Read(() => _deletions.FindAll().OrderBy(d => d.Day).ToList());

    /// <summary>
    /// LiteDB clears a deleted document's bytes in its page, but pages that fall empty and the
    /// free space of a page may keep older bytes until the file is rebuilt. The rebuild writes
    /// the live documents into a new file and keeps the old one as "-backup", which holds
    /// exactly what was deleted: it is removed once the new file is in place.
    /// </summary>
    public Task<bool> Compact() => _writer.EnqueueExclusive(db =>
    {
        if (!_dirty) return false;
        _file.EnterWriteLock();
        try
        {
            db.Checkpoint();
            db.Rebuild();
            db.Checkpoint();
            _dirty = false;
        }
        finally { _file.ExitWriteLock(); }
        DeleteRebuildLeftovers();
        return true;
    });

    private void DeleteRebuildLeftovers()
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        var name = System.IO.Path.GetFileNameWithoutExtension(Path);
        foreach (var pattern in new[] { $"{name}-backup*", $"{name}-log-backup*", $"{name}-temp*" })
            foreach (var file in Directory.GetFiles(folder, pattern)) File.Delete(file);
    }

    private T Read<T>(Func<T> read)
    {
        _file.EnterReadLock();
        try { return read(); }
        finally { _file.ExitReadLock(); }
    }

    public IReadOnlyList<ResearcherAccount> Accounts() => Read(() => _accounts.FindAll().OrderBy(a => a.Id, StringComparer.Ordinal).ToList());

    public Task SaveExperimentState(ExperimentState state)
    {
        if (state.Status == ExperimentStatus.Full) throw new ArgumentException("full is not stored: it follows from the sessions", nameof(state));
        return _writer.Enqueue(db => _experimentStates.Upsert(state));
    }

    public IReadOnlyList<ExperimentState> ExperimentStates() => Read(() => _experimentStates.FindAll().ToList());

    private static string StreamKey(string sessionId, string stream) => $"{sessionId}/{stream}";

    // Zero-padded so that the _id index orders a stream's batches by sequence number.
    private static string EventId(string sessionId, string stream, long seq) => $"{sessionId}/{stream}/{seq:D19}";

    // Every stream of the session, through the "session" index (LiteDB compares _id with a
    // culture's collation, so a prefix range over all streams would not be safe).
    private static BsonExpression SessionRange(string sessionId) => Query.EQ("session", sessionId);

    private static BsonDocument ToDocument(string sessionId, EventBatch batch, int skip)
    {
        var events = new BsonArray();
        for (var i = skip; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            var item = new BsonDocument { ["n"] = batch.Seq + i, ["t"] = e.T, ["type"] = e.Type };
            if (e.Data is { ValueKind: System.Text.Json.JsonValueKind.Object } data)
                item["data"] = JsonToBson.Convert(data);
            events.Add(item);
        }
        var first = batch.Seq + skip;
        return new BsonDocument
        {
            ["_id"] = EventId(sessionId, batch.Stream, first),
            ["session"] = sessionId,
            ["stream"] = batch.Stream,
            ["seq"] = first,
            ["last"] = batch.Last,
            ["step"] = batch.Step,
            ["receivedAt"] = DateTime.UtcNow,
            ["events"] = events,
        };
    }

    private static StoredBatch FromDocument(BsonDocument d) => new(
        d["session"].AsString,
        d["stream"].AsString,
        d["seq"].AsInt64,
        d["last"].AsInt64,
        d["step"].AsString,
        d["receivedAt"].AsDateTime.ToUniversalTime(),
        d["events"].AsArray.Select(v => v.AsDocument).Select(e => new StoredEvent(
            e["n"].AsInt64,
            e["t"].AsDouble,
            e["type"].AsString,
            e.TryGetValue("data", out var data) ? JsonSerializer.Serialize(data) : null)).ToList());

    public void Dispose()
    {
        // The lock goes last and whatever happens: a failed close must not keep the file from being opened again.
        try
        {
            _writer.Dispose();
            _db.Dispose();
            _file.Dispose();
        }
        finally { _lock.Dispose(); }
    }
}
