using System.Collections.Concurrent;
using System.Security.Cryptography;
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

    public Task InsertSession(Session session) => _inner.InsertSession(Seal(session));
    public Task SaveSession(Session session) => _inner.SaveSession(Seal(session));
    public Task SaveRefusal(Session refusal) => _inner.SaveRefusal(Seal(refusal));
    public Session? FindSession(string id) => Open(_inner.FindSession(id));
    public Session? FindSessionByToken(string token) => Open(_inner.FindSessionByToken(token));
    public Session? FindSessionByWithdrawalCode(string code) => Open(_inner.FindSessionByWithdrawalCode(code));
    public IReadOnlyList<Session> SessionsOf(string experimentId) => _inner.SessionsOf(experimentId).Select(s => Open(s)!).ToList();

    private Session Seal(Session session)
    {
        _experimentOf[session.Id] = session.ExperimentId;
        var keys = _answerKeys.GetValueOrDefault(session.ExperimentId);
        return session with
        {
            Answers = session.Answers.ToDictionary(a => a.Key, a => keys?.Contains(a.Key) == true ? Protect(a.Value) : a.Value),
            Recruitment = session.Recruitment.ToDictionary(r => r.Key, r => Protect(r.Value)),
        };
    }

    private Session? Open(Session? session)
    {
        if (session is null) return null;
        _experimentOf[session.Id] = session.ExperimentId;
        var keys = _answerKeys.GetValueOrDefault(session.ExperimentId);
        return session with
        {
            Answers = session.Answers.ToDictionary(a => a.Key, a => keys?.Contains(a.Key) == true ? Unprotect(a.Value) : a.Value),
            Recruitment = session.Recruitment.ToDictionary(r => r.Key, r => Unprotect(r.Value)),
        };
    }

    private string Protect(string plain) => Marker + _protector.Protect(plain);

    private string Unprotect(string stored)
    {
        if (!stored.StartsWith(Marker, StringComparison.Ordinal)) return stored;
        try { return _protector.Unprotect(stored[Marker.Length..]); }
        catch (CryptographicException e)
        {
            throw new CryptographicException("an identifier in the database cannot be decrypted with the keys in the key folder; start with the key folder the data was written with (--keys)", e);
        }
    }

    // ---- events ----

    public Task<long> Append(string sessionId, EventBatch batch)
    {
        if (!batch.Events.Any(e => _identifyingEventTypes.Contains(e.Type))) return _inner.Append(sessionId, batch);
        var step = StepOf(sessionId, batch.Step);
        var events = batch.Events.Select(e => e.Data is { ValueKind: JsonValueKind.Object } data && Identifiers.EventFields(step, e.Type) is { Count: > 0 } fields
            ? e with { Data = Seal(data, fields) }
            : e).ToList();
        return _inner.Append(sessionId, batch with { Events = events });
    }

    public long DurableSeq(string sessionId, string stream = "") => _inner.DurableSeq(sessionId, stream);

    public IReadOnlyList<StoredBatch> Events(string sessionId)
    {
        var batches = _inner.Events(sessionId);
        if (!batches.Any(b => b.Events.Any(e => _identifyingEventTypes.Contains(e.Type)))) return batches;
        return batches.Select(b =>
        {
            var step = StepOf(sessionId, b.Step);
            return b.Events.Any(e => _identifyingEventTypes.Contains(e.Type))
                ? b with { Events = b.Events.Select(e => e with { DataJson = OpenData(step, e.Type, e.DataJson) }).ToList() }
                : b;
        }).ToList();
    }

    public Task<int> RewriteEventData(string sessionId, Func<string, string, string?, string?> rewrite) =>
        _inner.RewriteEventData(sessionId, (stepId, type, data) =>
        {
            if (!_identifyingEventTypes.Contains(type)) return rewrite(stepId, type, data);
            var step = StepOf(sessionId, stepId);
            var plain = OpenData(step, type, data);
            var next = rewrite(stepId, type, plain);
            return next == plain ? data : SealData(step, type, next);
        });

    private Step? StepOf(string sessionId, string stepId)
    {
        var experimentId = _experimentOf.TryGetValue(sessionId, out var known) ? known : _inner.FindSession(sessionId)?.ExperimentId;
        if (experimentId is null || !_experiments.TryGetValue(experimentId, out var experiment)) return null;
        _experimentOf[sessionId] = experimentId;
        return experiment.Steps.FirstOrDefault(s => s.Id == stepId);
    }

    // A field's value, whatever its JSON type, is encrypted as its JSON text and stored as a string.
    private JsonElement Seal(JsonElement data, IReadOnlyList<string> fields)
    {
        var json = JsonNode.Parse(data.GetRawText())!.AsObject();
        foreach (var field in fields)
            if (json.TryGetPropertyValue(field, out var value))
                json[field] = Protect(value?.ToJsonString() ?? "null");
        return JsonSerializer.SerializeToElement(json);
    }

    private string? SealData(Step? step, string type, string? data)
    {
        var fields = Identifiers.EventFields(step, type);
        if (fields.Count == 0 || data is null) return data;
        using var doc = JsonDocument.Parse(data);
        return doc.RootElement.ValueKind == JsonValueKind.Object ? Seal(doc.RootElement, fields).GetRawText() : data;
    }

    private string? OpenData(Step? step, string type, string? data)
    {
        var fields = Identifiers.EventFields(step, type);
        if (fields.Count == 0 || data is null || !data.Contains(Marker, StringComparison.Ordinal)) return data;
        if (JsonNode.Parse(data) is not JsonObject json) return data;
        foreach (var field in fields)
            if (json.TryGetPropertyValue(field, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith(Marker, StringComparison.Ordinal))
                json[field] = JsonNode.Parse(Unprotect(text));
        return json.ToJsonString();
    }

    // ---- the rest passes through ----

    public Task<DeletedRecords> DeleteSession(string sessionId)
    {
        _experimentOf.TryRemove(sessionId, out _);
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
    public void Dispose() => _inner.Dispose();
}
