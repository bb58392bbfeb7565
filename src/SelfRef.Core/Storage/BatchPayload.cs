using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SelfRef.Core.Events;

namespace SelfRef.Core.Storage;

/// <summary>
/// A batch's events as a store keeps them: JSON as the browser sent it (numbers keep their text,
/// so a value leaves as it came in), sealed with the session's content key. An event's
/// identifying fields are taken out of its data and sealed apart with the identifier key; once
/// that key is destroyed they read as removed ("redacted" names them).
/// </summary>
public static class BatchPayload
{
    /// <param name="identifyingFields">the identifying fields of an event type in the batch's step (none for most).</param>
    public static byte[] Close(EventBatch batch, string sessionId, SessionKeys keys, Func<string, IReadOnlyList<string>> identifyingFields)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + batch.Events.Count * 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var i = 0; i < batch.Events.Count; i++)
            {
                var e = batch.Events[i];
                json.WriteStartObject();
                json.WriteNumber("t", e.T);
                json.WriteString("type", e.Type);
                if (e.Data is { ValueKind: JsonValueKind.Object } data)
                {
                    var fields = identifyingFields(e.Type);
                    if (fields.Count == 0)
                    {
                        json.WritePropertyName("data");
                        data.WriteTo(json);
                    }
                    else WriteIdentifying(json, data, fields, keys.Identifiers, $"fields/{sessionId}/{batch.Stream}/{batch.Seq + i}");
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Seal.Close(keys.Content, buffer.WrittenSpan, Context(sessionId, batch.Stream, batch.Seq));
    }

    private static void WriteIdentifying(Utf8JsonWriter json, JsonElement data, IReadOnlyList<string> fields, byte[]? idKey, string context)
    {
        var taken = new ArrayBufferWriter<byte>();
        var removed = new List<string>();
        json.WritePropertyName("data");
        json.WriteStartObject();
        using (var apart = new Utf8JsonWriter(taken))
        {
            apart.WriteStartObject();
            foreach (var property in data.EnumerateObject())
            {
                if (!fields.Contains(property.Name)) { property.WriteTo(json); continue; }
                property.WriteTo(apart);
                removed.Add(property.Name);
            }
            apart.WriteEndObject();
        }
        // Without the identifier key (retention has ended) the fields are not kept at all.
        if (idKey is null && removed.Count > 0)
        {
            json.WriteStartArray("redacted");
            foreach (var name in removed) json.WriteStringValue(name);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        if (idKey is null || removed.Count == 0) return;
        json.WriteBase64String("sealed", Seal.Close(idKey, taken.WrittenSpan, context));
        // The names are not identifying; kept plain so that a reader can say what was removed once the key is gone.
        json.WriteStartArray("fields");
        foreach (var name in removed) json.WriteStringValue(name);
        json.WriteEndArray();
        // The order the browser sent the fields in (names only), so that the event reads back as it came in.
        json.WriteStartArray("order");
        foreach (var property in data.EnumerateObject()) json.WriteStringValue(property.Name);
        json.WriteEndArray();
    }

    /// <summary>The events of a stored batch numbered from <paramref name="firstStored"/> on (those before it are in an earlier batch).</summary>
    public static IReadOnlyList<StoredEvent> Open(byte[] payload, string sessionId, string stream, long from, long firstStored, SessionKeys keys)
    {
        using var document = JsonDocument.Parse(Seal.Open(keys.Content, payload, Context(sessionId, stream, from)));
        var events = new List<StoredEvent>(document.RootElement.GetArrayLength());
        var n = from - 1;
        foreach (var e in document.RootElement.EnumerateArray())
        {
            n++;
            if (n < firstStored) continue;
            string? data = null;
            if (e.TryGetProperty("data", out var value))
                data = e.TryGetProperty("sealed", out var sealedFields)
                    ? Merge(value, sealedFields.GetBytesFromBase64(), e.GetProperty("fields"), e.TryGetProperty("order", out var order) ? order : null, keys.Identifiers, $"fields/{sessionId}/{stream}/{n}")
                    : value.GetRawText();
            events.Add(new StoredEvent(n, e.GetProperty("t").GetDouble(), e.GetProperty("type").GetString()!, data));
        }
        return events;
    }

    private static string Merge(JsonElement data, byte[] sealedFields, JsonElement names, JsonElement? order, byte[]? idKey, string context)
    {
        var merged = JsonNode.Parse(data.GetRawText())!.AsObject();
        JsonObject? fields = null;
        if (idKey is not null)
        {
            try { fields = JsonNode.Parse(Seal.Open(idKey, sealedFields, context))!.AsObject(); }
            catch (CryptographicException) { /* sealed with a key since destroyed and recreated: as good as gone */ }
        }
        if (fields is null)
        {
            // The identifier key is destroyed: the fields are gone; say which were there.
            merged["redacted"] = new JsonArray(names.EnumerateArray().Select(name => (JsonNode?)JsonValue.Create(name.GetString())).ToArray());
            return merged.ToJsonString();
        }
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            merged[name] = value;
        }
        if (order is not { ValueKind: JsonValueKind.Array } names2) return merged.ToJsonString();
        // Back in the order sent (batches stored before the order was kept read with the sealed fields last).
        var ordered = new JsonObject();
        foreach (var name in names2.EnumerateArray().Select(n => n.GetString()!))
            if (merged.Remove(name, out var value)) ordered[name] = value;
        foreach (var (name, value) in merged.ToList())
        {
            merged.Remove(name);
            ordered[name] = value;
        }
        return ordered.ToJsonString();
    }

    /// <summary>A stored batch as read back: its events from <paramref name="seq"/> (the first stored) to <paramref name="last"/>.</summary>
    public static StoredBatch Stored(string sessionId, string storageId, string stream, long from, long seq, long last, string step, long receivedAtTicks, byte[] payload, SessionKeys keys) =>
        new(sessionId, stream, seq, last, step, new DateTime(receivedAtTicks, DateTimeKind.Utc), Open(payload, storageId, stream, from, seq, keys));

    /// <summary>What IStore.Events returns: stream by stream in the order the streams began, each in sequence.</summary>
    public static IReadOnlyList<StoredBatch> InStreamOrder(IEnumerable<StoredBatch> batches) => batches
        .GroupBy(b => b.Stream)
        .OrderBy(stream => stream.Min(b => b.ReceivedAt))
        .SelectMany(stream => stream.OrderBy(b => b.Seq))
        .ToList();

    private static string Context(string sessionId, string stream, long from) => $"batch/{sessionId}/{stream}/{from}";
}
