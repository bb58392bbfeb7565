using System.Security.Cryptography;
using System.Text;

using System.Text.Json.Nodes;
using LiteDB;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;

namespace SelfRef.Core.Storage;

/// <summary>
/// Databases written before sessions were sealed with their own keys (SelfRef up to the store
/// issue): sessions as plain documents with identifying values encrypted under a per-session key
/// wrapped by Data Protection ("enc1:"), events as plain BSON. Such a database is migrated once,
/// when it is opened, by copying everything, sealed, into a new file beside it, flushing that to
/// disk and renaming it over the old one: a crash at any moment leaves the old file or the new,
/// never neither, and the old file's plaintext leaves with it (what the disk keeps of its freed
/// blocks aside).
/// </summary>
internal static class LegacyFormat
{
    private const string Marker = "enc1:";

    public static bool Holds(LiteDatabase db) =>
        db.GetCollection("sessions").FindOne(Query.All()) is { } session && !session.ContainsKey("body")
        || db.GetCollection("events").FindOne(Query.All()) is { } batch && !batch.ContainsKey("payload");

    /// <summary>Where the new file is written before it replaces the old one.</summary>
    public static string TemporaryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + ".migrating" + Path.GetExtension(path));

    /// <summary>Migrates the database at <paramref name="path"/> if it is in the old format; returns how many sessions it migrated.</summary>
    public static int MigrateIfNeeded(string path, SessionKeyFile keys, StoreOptions options, BsonMapper mapper)
    {
        var temporary = TemporaryPath(path);
        // A migration cut short left a partial new file: it is made again from the old one.
        foreach (var leftover in new[] { temporary, LogOf(temporary) }) File.Delete(leftover);
        if (!File.Exists(path)) return 0;
        int count;
        using (var old = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper))
        {
            if (!Holds(old)) return 0;
            using var target = new LiteDatabase(LiteDbStore.Connection(temporary), mapper);
            count = Copy(old, target, keys, options);
            target.Checkpoint();
        }
        // The old file's log was emptied into it when it closed; the new file is flushed before it takes its place.
        using (var flush = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite)) flush.Flush(flushToDisk: true);
        File.Move(temporary, path, overwrite: true);
        FlushFolder(Path.GetDirectoryName(path)!);
        return count;
    }

    private static string LogOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));

    private static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        // A rename is durable once its folder is flushed; .NET offers no fsync of a folder, so open it read-only and flush.
        try
        {
            using var handle = File.OpenHandle(folder, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.None);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* some file systems refuse; the rename itself is atomic */ }
    }

    private static int Copy(LiteDatabase old, LiteDatabase target, SessionKeyFile keys, StoreOptions options)
    {
        var legacyKeys = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        var sessions = target.GetCollection("sessions");
        var count = 0;
        target.BeginTrans();
        foreach (var document in old.GetCollection("sessions").FindAll())
        {
            var session = old.Mapper.ToObject<Session>(document);
            var legacyKey = LegacyKey(session.Id, document, options);
            legacyKeys[session.Id] = legacyKey;
            session = session with
            {
                Answers = session.Answers.ToDictionary(a => a.Key, a => Open(legacyKey, session.Id, a.Value), StringComparer.Ordinal),
                Recruitment = session.Recruitment.ToDictionary(a => a.Key, a => Open(legacyKey, session.Id, a.Value), StringComparer.Ordinal),
                Outcomes = FrozenOutcomes(document),
            };
            var sid = keys.StorageId(session.Id);
            sessions.Insert(LiteDbStore.SessionDocument(session, sid, keys.Create(sid), options.Identifying));
            count++;
        }
        target.Commit();

        var events = target.GetCollection("events");
        var batch = new List<BsonDocument>(1000);
        foreach (var document in old.GetCollection("events").FindAll())
        {
            var sessionId = document["session"].AsString;
            var sid = keys.StorageId(sessionId);
            // Events of a session whose record is gone (a refusal or an erasure cut short) are not carried over.
            if (!legacyKeys.TryGetValue(sessionId, out var legacyKey) || keys.Find(sid) is not { } sessionKeys) continue;
            var stored = document["events"].AsArray.Select(v => v.AsDocument).ToList();
            var seq = document["seq"].AsInt64;
            var experimentId = sessions.FindById(sid)?["experiment"].AsString ?? "";
            var clientEvents = stored.Select(e => new ClientEvent(e["t"].AsDouble, e["type"].AsString,
                e.TryGetValue("data", out var data) && data.IsDocument ? System.Text.Json.JsonSerializer.SerializeToElement(OpenFields(ToJson(data)!.AsObject(), legacyKey, sessionId)) : null)).ToList();
            var eventBatch = new EventBatch(seq, document["step"].AsString, clientEvents, document["stream"].AsString);
            var payload = BatchPayload.Close(eventBatch, sid, sessionKeys, type => options.Identifying.EventFields(experimentId, eventBatch.Step, type));
            batch.Add(new BsonDocument
            {
                ["_id"] = LiteDbStore.EventId(sid, eventBatch.Stream, seq),
                ["stream"] = eventBatch.Stream,
                ["from"] = seq,
                ["seq"] = seq,
                ["last"] = document["last"].AsInt64,
                ["step"] = eventBatch.Step,
                ["bytes"] = payload.Length,
                ["payload"] = payload,
                ["receivedAt"] = document["receivedAt"].AsDateTime.ToUniversalTime().Ticks,
            });
            if (batch.Count == 1000) { events.InsertBulk(batch); batch.Clear(); }
        }
        if (batch.Count > 0) events.InsertBulk(batch);

        var codes = target.GetCollection("codes");
        foreach (var code in old.GetCollection<CoderCode>("codes").FindAll())
        {
            var sid = keys.StorageId(code.SessionId);
            if (keys.Find(sid) is not { } sessionKeys) continue;
            codes.Insert(LiteDbStore.CodeDocument(code, sid, sessionKeys));
        }
        foreach (var name in new[] { "accounts", "experimentStates", "deletions" })
            target.GetCollection(name).InsertBulk(old.GetCollection(name).FindAll());
        target.GetCollection("meta").Upsert(new BsonDocument { ["_id"] = "keys", ["file"] = keys.Id });
        return count;
    }

    /// <summary>Outcomes the old format froze when retention ended: kept as outcomes without identifiers (they cannot be derived again).</summary>
    private static Dictionary<string, StoredOutcome> FrozenOutcomes(BsonDocument session)
    {
        var outcomes = new Dictionary<string, StoredOutcome>(StringComparer.Ordinal);
        if (!session.TryGetValue("FrozenOutcomes", out var frozen) || !frozen.IsDocument) return outcomes;
        foreach (var (stepId, value) in frozen.AsDocument)
        {
            if (!value.IsDocument) continue;
            var o = value.AsDocument;
            double? Number(string name) => o.TryGetValue(name, out var v) && v.IsNumber ? v.AsDouble : null;
            string? Text(string name) => o.TryGetValue(name, out var v) && v.IsString ? v.AsString : null;
            var distance = Number("DistanceKm");
            outcomes[stepId] = new StoredOutcome
            {
                LatencyMs = Number("LatencyMs"),
                SelfReference = o.TryGetValue("SelfReference", out var self) && self.IsBoolean ? self.AsBoolean : null,
                MissingReason = Text("MissingReason"),
                MatchDetail = Text("MatchDetail"),
                PointerType = Text("PointerType"),
                Columns = distance is { } km ? new() { ["distance_km"] = km.ToString("R", System.Globalization.CultureInfo.InvariantCulture) } : [],
                Deidentified = true,
            };
        }
        return outcomes;
    }

    /// <summary>The session's old key (wrapped by Data Protection in its record); null if it had none.</summary>
    private static byte[]? LegacyKey(string sessionId, BsonDocument document, StoreOptions options)
    {
        if (!document.TryGetValue("ProtectedKey", out var wrapped) || !wrapped.IsString) return null;
        if (options.LegacyKeyUnwrap is not { } unwrap)
            throw new IOException("the database holds identifiers encrypted by an earlier SelfRef; it can be migrated only with the key folder they were written with (--keys)");
        try { return Convert.FromBase64String(unwrap(wrapped.AsString)); }
        catch (CryptographicException e)
        {
            throw new IOException($"the identifiers of session {sessionId} cannot be decrypted with the key folder given; start with the key folder the data was written with (--keys)", e);
        }
    }

    private static string Open(byte[]? key, string sessionId, string value) =>
        key is not null && value.StartsWith(Marker, StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Seal.Open(key, Convert.FromBase64String(value[Marker.Length..]), sessionId))
            : value;

    // An identifying field was stored as the encrypted JSON text of its value.
    private static JsonObject OpenFields(JsonObject data, byte[]? key, string sessionId)
    {
        if (key is null) return data;
        foreach (var (name, value) in data.ToList())
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith(Marker, StringComparison.Ordinal))
                data[name] = JsonNode.Parse(Open(key, sessionId, text));
        return data;
    }

    /// <summary>BSON as the browser's JSON: numbers as numbers (no "$numberLong"), dates as ISO text.</summary>
    private static JsonNode? ToJson(BsonValue value) => value.Type switch
    {
        BsonType.Document => new JsonObject(value.AsDocument.Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        BsonType.Array => new JsonArray(value.AsArray.Select(ToJson).ToArray()),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Int32 => JsonValue.Create(value.AsInt32),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Double => double.IsFinite(value.AsDouble) ? JsonValue.Create(value.AsDouble) : JsonValue.Create(value.AsDouble.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        BsonType.Decimal => JsonValue.Create(value.AsDecimal),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.DateTime => JsonValue.Create(value.AsDateTime.ToUniversalTime().ToString("O")),
        _ => null,
    };
}
