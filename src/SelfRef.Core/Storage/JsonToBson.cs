using System.Text.Json;
using LiteDB;

namespace SelfRef.Core.Storage;

/// <summary>
/// Event data straight from the parsed JSON to BSON, without writing it out as text and parsing
/// it again: on the ingestion path this is most of the work per event.
/// </summary>
internal static class JsonToBson
{
    public static BsonValue Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => Object(element),
        JsonValueKind.Array => new BsonArray(element.EnumerateArray().Select(Convert)),
        JsonValueKind.String => new BsonValue(element.GetString()),
        JsonValueKind.Number when element.TryGetInt32(out var i) => new BsonValue(i),
        JsonValueKind.Number when element.TryGetInt64(out var l) => new BsonValue(l),
        JsonValueKind.Number => new BsonValue(element.GetDouble()),
        JsonValueKind.True => new BsonValue(true),
        JsonValueKind.False => new BsonValue(false),
        _ => BsonValue.Null,
    };

    private static BsonDocument Object(JsonElement element)
    {
        var document = new BsonDocument();
        foreach (var property in element.EnumerateObject()) document[property.Name] = Convert(property.Value);
        return document;
    }
}
