using System.Text.Json;
using System.Text.RegularExpressions;

namespace SelfRef.Core.Experiments;

/// <summary>
/// Names steps by their id in the JSON paths of messages: "$.steps[2].instruction" becomes
/// "$.steps[id=pen].instruction", which stays right when steps are reordered and is what a
/// researcher looks for in the file. A step without an id of its own (missing, not text, or used
/// twice) keeps its index.
/// </summary>
public sealed partial class StepPaths
{
    private readonly Dictionary<int, string> _ids = [];

    public StepPaths(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array) return;
        var ids = steps.EnumerateArray()
            .Select((step, i) => (i, id: step.ValueKind == JsonValueKind.Object && step.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null))
            .Where(s => !string.IsNullOrEmpty(s.id) && !s.id.Contains(']'))
            .ToList();
        foreach (var group in ids.GroupBy(s => s.id, StringComparer.Ordinal).Where(g => g.Count() == 1))
            _ids[group.Single().i] = group.Key!;
    }

    [GeneratedRegex(@"^\$\.steps\[(\d+)\]")]
    private static partial Regex StepIndex();

    public string Named(string path) =>
        StepIndex().Match(path) is { Success: true } m && _ids.TryGetValue(int.Parse(m.Groups[1].Value), out var id)
            ? $"$.steps[id={id}]{path[m.Length..]}"
            : path;

    public IReadOnlyList<ExperimentError> Named(IReadOnlyList<ExperimentError> errors) =>
        errors.Select(e => e with { JsonPath = Named(e.JsonPath) }).ToList();
}
