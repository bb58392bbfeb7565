using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SelfRef.Core.Languages;

namespace SelfRef.Core.Experiments;

/// <summary>
/// Reads experiment files: JSON syntax, then the generated schema, then the rules a schema
/// cannot express. A file with any error is never returned half-loaded.
/// </summary>
public static class ExperimentLoader
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(ExperimentSchema.Text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>
    /// What checking a file found: the experiment when it has no error, the errors (a file with
    /// any is never served), and the warnings and notices that do not stop it.
    /// </summary>
    public sealed record Result(Experiment? Experiment, IReadOnlyList<ExperimentError> Errors)
    {
        public bool Ok => Experiment is not null && Errors.Count == 0;

        /// <summary>Warnings and notices (severity other than Error), each with file, path and message.</summary>
        public IReadOnlyList<ExperimentError> Notes { get; init; } = [];
    }

    public static Result LoadFile(string path, Translations? translations = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Result(null, [new ExperimentError(path, "$", $"cannot read the file: {e.Message}")]);
        }
        return Parse(text, path, translations);
    }

    /// <summary>
    /// Checks the text of one experiment file: the one function behind the validate verb, the
    /// server's loading and any editor. <paramref name="translations"/>, when given, adds a warning
    /// for each declared language whose translation file is missing or incomplete.
    /// </summary>
    public static Result Parse(string text, string file, Translations? translations = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return Fail(file, "$", SyntaxMessage(e));
        }
        using (document)
        {
            var paths = new StepPaths(document.RootElement);
            var schemaErrors = SchemaErrors(document.RootElement, file);
            if (schemaErrors.Count > 0) return new Result(null, paths.Named(schemaErrors));

            Experiment experiment;
            try
            {
                experiment = document.RootElement.Deserialize<Experiment>(ExperimentJson.Options)!;
            }
            catch (JsonException e)
            {
                return Fail(file, paths.Named(e.Path ?? "$"), FirstSentence(e.Message));
            }
            var found = ExperimentRules.Check(experiment).Select(e => e with { File = file }).ToList();
            if (translations is not null) found.AddRange(TranslationWarnings(experiment, translations, file));
            var errors = paths.Named(found.Where(e => e.Severity == ProblemSeverity.Error).ToList());
            var notes = paths.Named(found.Where(e => e.Severity != ProblemSeverity.Error).ToList());
            return new Result(errors.Count > 0 ? null : experiment, errors) { Notes = notes };
        }
    }

    /// <summary>A warning for each language whose page words would partly or wholly be English.</summary>
    private static IEnumerable<ExperimentError> TranslationWarnings(Experiment experiment, Translations translations, string file)
    {
        for (var i = 0; i < experiment.Languages.Count; i++)
        {
            var language = experiment.Languages[i];
            if (LanguageTags.Primary(language).Equals(Translations.Reference, StringComparison.OrdinalIgnoreCase)) continue;
            if (translations.FileLanguage(language) is not { } own)
            {
                yield return new ExperimentError(file, $"$.languages[{i}]",
                    $"there is no translation file for '{language}', so the page's own words (buttons, messages) are shown in English; add translations/{language}.json with every key of en.json",
                    Severity: ProblemSeverity.Warning);
                continue;
            }
            var missing = translations.Missing(language);
            if (missing.Count > 0)
                yield return new ExperimentError(file, $"$.languages[{i}]",
                    $"translations/{own}.json lacks {missing.Count} of {translations.Keys.Count} texts, shown in English instead: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}",
                    Severity: ProblemSeverity.Warning);
        }
    }

    /// <summary>One position, counted as editors count (line and column from 1), and the reason without the parser's own second position.</summary>
    private static string SyntaxMessage(JsonException e)
    {
        var reason = e.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut];
        reason = reason.TrimEnd(' ', '.');
        return e.LineNumber is { } line
            ? $"not valid JSON at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {reason}"
            : $"not valid JSON: {reason}";
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
                var evaluation = d.EvaluationPath.ToString();
                var rule = Navigate(schema, evaluation);
                // An unknown field fails "additionalProperties": the object's schema lists the fields it knows.
                var parent = e.Key == "" ? Navigate(schema, evaluation[..Math.Max(0, evaluation.LastIndexOf("/additionalProperties", StringComparison.Ordinal))]) : null;
                return Describe(file, JsonPaths.FromPointer(instance), e.Key, e.Value, rule, parent, Value(root, instance), instance);
            }))
            .Distinct()
            .ToList();
    }

    /// <summary>Says what was expected in the researcher's terms, using the schema rule that failed.</summary>
    private static ExperimentError Describe(string file, string path, string keyword, string message, JsonNode? rule, JsonNode? parent, string? value, string pointer)
    {
        switch (keyword)
        {
            case "":
            {
                var field = pointer.Split('/')[^1].Replace("~1", "/").Replace("~0", "~");
                var known = parent?["properties"]?.AsObject().Select(p => p.Key) ?? [];
                var suggestion = DidYouMean.Nearest(field, known);
                return new ExperimentError(file, path, $"unknown field '{field}'{DidYouMean.Phrase(suggestion)}{(suggestion is null ? $" (fields here: {string.Join(", ", known)})" : "")}", suggestion);
            }
            case "pattern":
                return new ExperimentError(file, path, $"{value} does not have the expected form: {ExperimentSchema.PatternInWords(rule?["pattern"]?.GetValue<string>())}");
            case "enum":
            {
                var allowed = rule?["enum"]?.AsArray().Select(v => v?.ToString() ?? "").ToList() ?? [];
                var typed = value is { Length: > 1 } && value[0] == '"' ? value[1..^1] : value;
                var suggestion = DidYouMean.Nearest(typed, allowed);
                return new ExperimentError(file, path, $"{value} is not one of: {string.Join(", ", allowed)}{DidYouMean.Phrase(suggestion)}", suggestion);
            }
            case "type":
                return new ExperimentError(file, path, $"{value} is of the wrong type: {message.Replace("\"", "'")}");
            case "minimum" or "maximum":
                return new ExperimentError(file, path, $"{value} is out of range: expected {rule?["minimum"]} to {rule?["maximum"]}");
            case "required":
                return new ExperimentError(file, path, message.Replace("\"", "'"));
            default:
                return new ExperimentError(file, path, message);
        }
    }

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
