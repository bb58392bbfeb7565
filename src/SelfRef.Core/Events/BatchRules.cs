using System.Text.Json;
using System.Text.RegularExpressions;

namespace SelfRef.Core.Events;

/// <summary>What a batch must look like before it is queued for the writer.</summary>
public static partial class BatchRules
{
    public const int MaxEvents = 1000;
    public const int MaxTypeLength = 64;
    public const int MaxDataBytes = 16 * 1024;
    public const int MaxDepth = 6;

    [GeneratedRegex("^[a-z][a-z0-9_.-]*$")]
    private static partial Regex TypePattern();

    // Lower case only: LiteDB compares ids without regard to case.
    [GeneratedRegex("^[a-z0-9]{0,32}$")]
    private static partial Regex StreamPattern();

    /// <summary>Null if the batch is acceptable, else what is wrong with it, for the client's error.</summary>
    public static string? Problem(EventBatch? batch)
    {
        if (batch is null) return "the batch is empty";
        if (batch.Seq < 1) return $"seq must be 1 or more, was {batch.Seq}";
        if (batch.Events is null || batch.Events.Count == 0) return "a batch needs at least one event";
        if (batch.Events.Count > MaxEvents) return $"too many events in one batch: {batch.Events.Count} (at most {MaxEvents})";
        if (string.IsNullOrEmpty(batch.Step)) return "the batch names no step";
        if (batch.Stream is null || !StreamPattern().IsMatch(batch.Stream)) return "stream must be up to 32 lower-case letters or digits";
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            if (e is null) return $"events[{i}] is empty";
            if (!double.IsFinite(e.T) || Math.Abs(e.T) > 1e9) return $"events[{i}].t must be a finite time in ms, was {e.T}";
            if (string.IsNullOrEmpty(e.Type) || e.Type.Length > MaxTypeLength || !TypePattern().IsMatch(e.Type))
                return $"events[{i}].type must be lower-case letters, digits, '.', '_' or '-' (at most {MaxTypeLength}), was '{Clip(e.Type)}'";
            if (e.Data is { } data)
            {
                if (data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
                    return $"events[{i}].data must be an object, was {data.ValueKind}";
                if (data.ValueKind == JsonValueKind.Object)
                {
                    var (depth, bytes) = Measure(data);
                    if (bytes > MaxDataBytes) return $"events[{i}].data is larger than {MaxDataBytes} bytes";
                    if (depth > MaxDepth) return $"events[{i}].data is nested deeper than {MaxDepth} levels";
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Null if every event of the batch is one its step declares, with data of the declared shape;
    /// else what is wrong, naming the event and the field. Checked before the batch is queued, so
    /// a malformed event is refused to its sender and never reaches the store or an analysis.
    /// </summary>
    public static string? Problem(EventBatch batch, Experiments.Step step)
    {
        var type = Experiments.StepTypes.Of(step);
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            if (type.Event(step, e.Type) is not { } declared)
                return $"events[{i}]: '{Clip(e.Type)}' is not an event of a {type.Name} step (it logs {string.Join(", ", type.EventTypes(step))})";
            if (e.Data is not { ValueKind: JsonValueKind.Object } data) return $"events[{i}] {e.Type}: data is missing (expected an object)";
            if (declared.Shape.Problem(data) is { } problem) return $"events[{i}] {e.Type}: {problem}";
        }
        return null;
    }

    /// <summary>Nesting depth and an upper bound of the size in bytes, in one walk and without copying the text.</summary>
    private static (int Depth, int Bytes) Measure(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                int depth = 0, bytes = 2;
                foreach (var property in element.EnumerateObject())
                {
                    var (d, b) = Measure(property.Value);
                    depth = Math.Max(depth, d);
                    bytes += b + property.Name.Length * 3 + 4;
                }
                return (depth + 1, bytes);
            }
            case JsonValueKind.Array:
            {
                int depth = 0, bytes = 2;
                foreach (var item in element.EnumerateArray())
                {
                    var (d, b) = Measure(item);
                    depth = Math.Max(depth, d);
                    bytes += b + 1;
                }
                return (depth + 1, bytes);
            }
            case JsonValueKind.String:
                return (0, System.Text.Encoding.UTF8.GetByteCount(element.GetString()!) + 2);
            default:
                return (0, 24);
        }
    }

    private static string Clip(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "…" : text;
}
