using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace SelfRef.Core.Experiments;

/// <summary>
/// Reads experiment files: JSON syntax, then the generated schema, then the rules a schema
/// cannot express. A file with any error is never returned half-loaded.
/// </summary>
public static class ExperimentLoader
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(ExperimentSchema.Text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public sealed record Result(Experiment? Experiment, IReadOnlyList<ExperimentError> Errors)
    {
        public bool Ok => Experiment is not null && Errors.Count == 0;
    }

    public static Result LoadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Result(null, [new ExperimentError(path, "$", $"cannot read the file: {e.Message}")]);
        }
        return Parse(text, path);
    }

    public static Result Parse(string text, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return Fail(file, "$", $"not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}");
        }
        using (document)
        {
            var schemaErrors = SchemaErrors(document.RootElement, file);
            if (schemaErrors.Count > 0) return new Result(null, schemaErrors);

            Experiment experiment;
            try
            {
                experiment = document.RootElement.Deserialize<Experiment>(ExperimentJson.Options)!;
            }
            catch (JsonException e)
            {
                return Fail(file, e.Path ?? "$", FirstSentence(e.Message));
            }
            var ruleErrors = ExperimentRules.Check(experiment).Select(e => e with { File = file }).ToList();
            return ruleErrors.Count > 0 ? new Result(null, ruleErrors) : new Result(experiment, []);
        }
    }

    /// <summary>Loads every *.json in the folder but the schema; throws with all errors if any file is wrong.</summary>
    public static IReadOnlyList<Experiment> LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new ExperimentLoadException([new ExperimentError(folder, "$", "experiments folder not found (run from the repository root or pass --experiments <folder>)")]);
        var files = Directory.GetFiles(folder, "*.json")
            .Where(f => !Path.GetFileName(f).Equals(ExperimentSchema.FileName, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        return LoadFiles(files);
    }

    public static IReadOnlyList<Experiment> LoadFiles(IEnumerable<string> files)
    {
        var errors = new List<ExperimentError>();
        var experiments = new List<(string File, Experiment Experiment)>();
        foreach (var file in files)
        {
            var result = LoadFile(file);
            errors.AddRange(result.Errors);
            if (result.Ok) experiments.Add((file, result.Experiment!));
        }
        foreach (var group in experiments.GroupBy(e => e.Experiment.Id).Where(g => g.Count() > 1))
            foreach (var (file, _) in group.Skip(1))
                errors.Add(new ExperimentError(file, "$.id", $"experiment id '{group.Key}' is already used by {group.First().File}"));
        if (errors.Count > 0) throw new ExperimentLoadException(errors);
        return experiments.Select(e => e.Experiment).ToList();
    }

    private static List<ExperimentError> SchemaErrors(JsonElement root, string file)
    {
        var results = Schema.Value.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        var schema = ExperimentSchema.Node;
        return (results.Details ?? [])
            // A failing "if" only picks the step kind; its errors are not the file's.
            .Where(d => d.Errors is { Count: > 0 } && !d.EvaluationPath.ToString().Contains("/if"))
            .SelectMany(d => d.Errors!.Select(e =>
            {
                var instance = d.InstanceLocation.ToString();
                var rule = Navigate(schema, d.EvaluationPath.ToString());
                return new ExperimentError(file, JsonPaths.FromPointer(instance), Describe(e.Key, e.Value, rule, Value(root, instance), instance));
            }))
            .Distinct()
            .ToList();
    }

    /// <summary>Says what was expected in the researcher's terms, using the schema rule that failed.</summary>
    private static string Describe(string keyword, string message, JsonNode? rule, string? value, string pointer) => keyword switch
    {
        "" => $"unknown field '{pointer.Split('/')[^1]}' (check its spelling against experiment.schema.json)",
        "pattern" => $"{value} does not have the expected form {rule?["pattern"]}",
        "enum" => $"{value} is not one of: {string.Join(", ", rule?["enum"]?.AsArray().Select(v => v?.ToString()) ?? [])}",
        "type" => $"{value} is of the wrong type: {message.Replace("\"", "'")}",
        "minimum" or "maximum" => $"{value} is out of range: expected {rule?["minimum"]} to {rule?["maximum"]}",
        _ => message,
    };

    /// <summary>
    /// The schema rule at an evaluation path. JsonSchema.Net 8 repeats "items" in the paths of
    /// array items, so a segment the schema does not have is passed over.
    /// </summary>
    private static JsonNode? Navigate(JsonNode? node, string pointer)
    {
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            node = node switch
            {
                JsonObject o => o[token] ?? o,
                JsonArray a when int.TryParse(token, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }
        return node;
    }

    private static string? Value(JsonElement root, string pointer)
    {
        var element = root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out var child)) element = child;
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(token, out var i) && i < element.GetArrayLength()) element = element[i];
            else return null;
        }
        var text = element.GetRawText();
        return text.Length > 60 ? text[..57] + "..." : text;
    }

    private static Result Fail(string file, string path, string message) => new(null, [new ExperimentError(file, path, message)]);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
