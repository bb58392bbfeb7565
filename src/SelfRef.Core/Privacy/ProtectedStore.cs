using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Privacy;

/// <summary>
/// Encryption at rest in front of any store: identifying answers, recruitment values and the
/// identifying fields of task events (see <see cref="Identifiers"/>) are encrypted on the way in
/// and decrypted on the way out, so sessions, analyses and exports see plain values while the
/// database holds none. Only values at identifying places are ever decrypted, and only if they
/// carry the marker, so text a participant typed elsewhere is never taken for ciphertext and
/// values stored before a question became identifying still read.
/// Each session has its own random key (AES-GCM, bound to the session id), stored with the
/// session encrypted by the key folder's key (<see cref="IIdentifierProtector"/>): Data
/// Protection costs about 0.1 ms a call here, a session key about a microsecond, so a session
/// costs one slow call per process however many values it holds, and a keystroke none.
/// Events cost nothing unless their type is identifying in some experiment.
/// </summary>
public sealed class ProtectedStore : IStore
{
    /// <summary>Marks an encrypted value; "1" is the format, so another can follow.</summary>
    public const string Marker = "enc1:";

    private readonly IStore _inner;
    private readonly IIdentifierProtector _protector;
    private readonly Dictionary<string, Experiment> _experiments;
    private readonly Dictionary<string, IReadOnlySet<string>> _answerKeys;
    private readonly HashSet<string> _identifyingEventTypes;
    // Experiment of each session seen, so an event batch need not read its session.
    private readonly ConcurrentDictionary<string, string> _experimentOf = new();
    // Each session's key, plain and as stored, once unwrapped or made.
    private readonly ConcurrentDictionary<string, (byte[] Key, string Wrapped)> _keys = new();

    public ProtectedStore(IStore inner, IIdentifierProtector protector, IEnumerable<Experiment> experiments)
    {
        _inner = inner;
        _protector = protector;
        _experiments = experiments.ToDictionary(e => e.Id);
        _answerKeys = _experiments.Values.ToDictionary(e => e.Id, Identifiers.AnswerKeys);
        _identifyingEventTypes = _experiments.Values.SelectMany(e => e.Steps).OfType<IIdentifyingTask>()
            .SelectMany(t => t.IdentifyingEventFields.Keys).ToHashSet(StringComparer.Ordinal);
    }

    public IStore Inner => _inner;

    // ---- sessions ----

    public Task InsertSession(Session session) => _inner.InsertSession(Seal(session, isNew: true));
    public Task SaveSession(Session session) => _inner.SaveSession(Seal(session));
    public Task SaveRefusal(Session refusal) => _inner.SaveRefusal(Seal(refusal));
    public Session? FindSession(string id) => Open(_inner.FindSession(id));
    public Session? FindSessionByToken(string token) => Open(_inner.FindSessionByToken(token));
    public Session? FindSessionByWithdrawalCode(string code) => Open(_inner.FindSessionByWithdrawalCode(code));
    public IReadOnlyList<Session> SessionsOf(string experimentId) => _inner.SessionsOf(experimentId).Select(s => Open(s)!).ToList();

    private Session Seal(Session session, bool isNew = false)
    {
        _experimentOf[session.Id] = session.ExperimentId;
        var keys = _answerKeys.GetValueOrDefault(session.ExperimentId);
        var identifying = session.Recruitment.Count > 0 || session.Answers.Keys.Any(k => keys?.Contains(k) == true);
        // A session keeps its key for life: events encrypted with it must stay readable.
        var wrapped = session.ProtectedKey
            ?? (_keys.TryGetValue(session.Id, out var known) ? known.Wrapped : null)
            ?? (isNew ? null : _inner.FindSession(session.Id)?.ProtectedKey);
        // Every new session gets its key at once, so events typed before any answer never need one that is not stored yet.
        if (wrapped is null && !identifying && !isNew) return session;
        var key = KeyOf(session.Id, wrapped);
        return session with
        {
            ProtectedKey = key.Wrapped,
            Answers = session.Answers.ToDictionary(a => a.Key, a => keys?.Contains(a.Key) == true ? Protect(key.Key, session.Id, a.Value) : a.Value),
            Recruitment = session.Recruitment.ToDictionary(r => r.Key, r => Protect(key.Key, session.Id, r.Value)),
        };
    }

    private Session? Open(Session? session)
    {
        if (session is null) return null;
        _experimentOf[session.Id] = session.ExperimentId;
        if (session.ProtectedKey is null) return session;
        var keys = _answerKeys.GetValueOrDefault(session.ExperimentId);
        var key = KeyOf(session.Id, session.ProtectedKey).Key;
        return session with
        {
            Answers = session.Answers.ToDictionary(a => a.Key, a => keys?.Contains(a.Key) == true ? Unprotect(key, session.Id, a.Value) : a.Value),
            Recruitment = session.Recruitment.ToDictionary(r => r.Key, r => Unprotect(key, session.Id, r.Value)),
        };
    }

    /// <summary>The session's key: known, unwrapped from what is stored, or new.</summary>
    private (byte[] Key, string Wrapped) KeyOf(string sessionId, string? wrapped)
    {
        if (_keys.TryGetValue(sessionId, out var known) && (wrapped is null || known.Wrapped == wrapped)) return known;
        if (wrapped is null)
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            return _keys[sessionId] = (fresh, _protector.Protect(Convert.ToBase64String(fresh)));
        }
        try { return _keys[sessionId] = (Convert.FromBase64String(_protector.Unprotect(wrapped)), wrapped); }
        catch (CryptographicException e)
        {
            throw new CryptographicException("identifiers in the database cannot be decrypted with the keys in the key folder; start with the key folder the data was written with (--keys)", e);
        }
    }

    private const int NonceBytes = 12, TagBytes = 16;

    private static string Protect(byte[] key, string sessionId, string plain)
    {
        var text = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceBytes + TagBytes + text.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, text, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(sessionId));
        return Marker + Convert.ToBase64String(sealedBytes);
    }

    private static string Unprotect(byte[] key, string sessionId, string stored)
    {
        if (!stored.StartsWith(Marker, StringComparison.Ordinal)) return stored;
        var sealedBytes = Convert.FromBase64String(stored[Marker.Length..]);
        var text = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), text, Encoding.UTF8.GetBytes(sessionId));
        return Encoding.UTF8.GetString(text);
    }

    /// <summary>The stored key of a session whose events are being written or read; null if it has none.</summary>
    private byte[]? EventKey(string sessionId)
    {
        if (_keys.TryGetValue(sessionId, out var known)) return known.Key;
        return _inner.FindSession(sessionId)?.ProtectedKey is { } wrapped ? KeyOf(sessionId, wrapped).Key : null;
    }

    // ---- events ----

    public async Task<long> Append(string sessionId, EventBatch batch)
    {
        if (!batch.Events.Any(e => _identifyingEventTypes.Contains(e.Type))) return await _inner.Append(sessionId, batch);
        var step = StepOf(sessionId, batch.Step);
        if (step is not IIdentifyingTask) return await _inner.Append(sessionId, batch);
        var key = EventKey(sessionId) ?? await StoreNewKey(sessionId);
        var events = batch.Events.Select(e => e.Data is { ValueKind: JsonValueKind.Object } data && Identifiers.EventFields(step, e.Type) is { Count: > 0 } fields
            ? e with { Data = Seal(key, sessionId, data, fields) }
            : e).ToList();
        return await _inner.Append(sessionId, batch with { Events = events });
    }

    // A session stored before sessions had keys: it gets one, stored before anything is encrypted with it.
    private async Task<byte[]> StoreNewKey(string sessionId)
    {
        var stored = _inner.FindSession(sessionId) ?? throw new BatchRefusedException("unknown session");
        var key = KeyOf(sessionId, null);
        await _inner.SaveSession(stored with { ProtectedKey = key.Wrapped });
        return key.Key;
    }

    public long DurableSeq(string sessionId, string stream = "") => _inner.DurableSeq(sessionId, stream);

    public IReadOnlyList<StoredBatch> Events(string sessionId)
    {
        var batches = _inner.Events(sessionId);
        if (!batches.Any(b => b.Events.Any(e => _identifyingEventTypes.Contains(e.Type)))) return batches;
        var key = EventKey(sessionId);
        if (key is null) return batches;
        return batches.Select(b =>
        {
            var step = StepOf(sessionId, b.Step);
            return b.Events.Any(e => _identifyingEventTypes.Contains(e.Type))
                ? b with { Events = b.Events.Select(e => e with { DataJson = OpenData(key, sessionId, step, e.Type, e.DataJson) }).ToList() }
                : b;
        }).ToList();
    }

    public Task<int> RewriteEventData(string sessionId, Func<string, string, string?, string?> rewrite) =>
        _inner.RewriteEventData(sessionId, (stepId, type, data) =>
        {
            var key = _identifyingEventTypes.Contains(type) ? EventKey(sessionId) : null;
            if (key is null) return rewrite(stepId, type, data);
            var step = StepOf(sessionId, stepId);
            var plain = OpenData(key, sessionId, step, type, data);
            var next = rewrite(stepId, type, plain);
            return next == plain ? data : SealData(key, sessionId, step, type, next);
        });

    private Step? StepOf(string sessionId, string stepId)
    {
        var experimentId = _experimentOf.TryGetValue(sessionId, out var known) ? known : _inner.FindSession(sessionId)?.ExperimentId;
        if (experimentId is null || !_experiments.TryGetValue(experimentId, out var experiment)) return null;
        _experimentOf[sessionId] = experimentId;
        return experiment.Steps.FirstOrDefault(s => s.Id == stepId);
    }

    // A field's value, whatever its JSON type, is encrypted as its JSON text and stored as a string.
    private static JsonElement Seal(byte[] key, string sessionId, JsonElement data, IReadOnlyList<string> fields)
    {
        var json = JsonNode.Parse(data.GetRawText())!.AsObject();
        foreach (var field in fields)
            if (json.TryGetPropertyValue(field, out var value))
                json[field] = Protect(key, sessionId, value?.ToJsonString() ?? "null");
        return JsonSerializer.SerializeToElement(json);
    }

    private static string? SealData(byte[] key, string sessionId, Step? step, string type, string? data)
    {
        var fields = Identifiers.EventFields(step, type);
        if (fields.Count == 0 || data is null) return data;
        using var doc = JsonDocument.Parse(data);
        return doc.RootElement.ValueKind == JsonValueKind.Object ? Seal(key, sessionId, doc.RootElement, fields).GetRawText() : data;
    }

    private static string? OpenData(byte[] key, string sessionId, Step? step, string type, string? data)
    {
        var fields = Identifiers.EventFields(step, type);
        if (fields.Count == 0 || data is null || !data.Contains(Marker, StringComparison.Ordinal)) return data;
        if (JsonNode.Parse(data) is not JsonObject json) return data;
        foreach (var field in fields)
            if (json.TryGetPropertyValue(field, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith(Marker, StringComparison.Ordinal))
                json[field] = JsonNode.Parse(Unprotect(key, sessionId, text));
        return json.ToJsonString();
    }

    // ---- the rest passes through ----

    public Task<DeletedRecords> DeleteSession(string sessionId)
    {
        _experimentOf.TryRemove(sessionId, out _);
        _keys.TryRemove(sessionId, out _);
        return _inner.DeleteSession(sessionId);
    }

    public Task LogDeletion(DeletionRecord record) => _inner.LogDeletion(record);
    public IReadOnlyList<DeletionRecord> Deletions() => _inner.Deletions();
    public Task<bool> Compact() => _inner.Compact();
    public Task SaveCode(CoderCode code) => _inner.SaveCode(code);
    public IReadOnlyList<CoderCode> Codes(string experimentId) => _inner.Codes(experimentId);
    public Task SaveAccount(ResearcherAccount account) => _inner.SaveAccount(account);
    public ResearcherAccount? FindAccount(string id) => _inner.FindAccount(id);
    public int AccountCount() => _inner.AccountCount();
    public IReadOnlyList<ResearcherAccount> Accounts() => _inner.Accounts();
    public Task SaveExperimentState(ExperimentState state) => _inner.SaveExperimentState(state);
    public IReadOnlyList<ExperimentState> ExperimentStates() => _inner.ExperimentStates();
    public void Dispose() => _inner.Dispose();
}
