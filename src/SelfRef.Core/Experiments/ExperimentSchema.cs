using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using SelfRef.Core.Languages;

namespace SelfRef.Core.Experiments;

/// <summary>
/// Generates the experiment file's JSON Schema from the records that declare it, so that the
/// code, the published schema and its documentation cannot drift apart.
/// </summary>
public static class ExperimentSchema
{
    public const string FileName = "experiment.schema.json";
    private static readonly Lazy<JsonObject> Generated = new(Generate);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Words =
        new() { [LanguageTags.Pattern] = LanguageTags.Words };

    /// <summary>
    /// Each pattern of the schema said in words (from the RegularExpression attribute's
    /// ErrorMessage), so that a message never shows a regular expression.
    /// </summary>
    public static string PatternInWords(string? pattern)
    {
        _ = Generated.Value;
        return pattern is not null && Words.TryGetValue(pattern, out var words) ? words : "the form described in experiment.schema.json";
    }

    /// <summary>The schema as a fresh, mutable node.</summary>
    public static JsonObject Node => (JsonObject)Generated.Value.DeepClone();

    public static string Text => Generated.Value.ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n";

    private static JsonObject Generate()
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Annotate,
        };
        var schema = (JsonObject)ExperimentJson.Options.GetJsonSchemaAsNode(typeof(Experiment), exporter);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://selfref.invalid/experiments/experiment.schema.json",
            ["title"] = "SelfRef experiment",
            ["description"] = "An experiment file of SelfRef (experiments/*.json). Generated from src/SelfRef.Core/Experiments and Tasks; do not edit by hand: run `dotnet run --project src/SelfRef.Web -- schema`.",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            root[key] = value;
        }
        root["properties"]!["languages"]!["items"]!["pattern"] = LanguageTags.Pattern;
        RewriteStepChoice(root);
        return root;
    }

    private static JsonNode Annotate(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is not JsonObject schema) return node;
        if (context.TypeInfo.Type == typeof(LocalizedText))
        {
            schema["propertyNames"] = new JsonObject { ["pattern"] = LanguageTags.Pattern };
            schema["minProperties"] = 1;
        }
        var attributes = context.PropertyInfo?.AttributeProvider;
        if (attributes is null) return schema;
        if (Attribute<DescriptionAttribute>(attributes) is { } description)
            schema.Insert(0, "description", description.Description);
        if (Attribute<RegularExpressionAttribute>(attributes) is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
            Words[pattern.Pattern] = pattern.ErrorMessage
                ?? throw new InvalidOperationException($"the pattern of {context.PropertyInfo!.Name} needs its words (ErrorMessage): messages never show a regular expression");
        }
        if (Attribute<MinLengthAttribute>(attributes) is { } minLength)
            schema[context.TypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable ? "minItems" : "minLength"] = minLength.Length;
        if (Attribute<RangeAttribute>(attributes) is { } range)
        {
            schema["minimum"] = JsonValue.Create(Convert.ToDouble(range.Minimum));
            schema["maximum"] = JsonValue.Create(Convert.ToDouble(range.Maximum));
        }
        if (Default(context.PropertyInfo!) is { } value)
            schema["default"] = value;
        return schema;
    }

    /// <summary>
    /// What a property is when the file leaves it out, read from a fresh record (the declared
    /// initial value); null for required properties and those whose absence means "none"
    /// (their description says what omitting them does).
    /// </summary>
    private static JsonNode? Default(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property)
    {
        if (property.IsRequired || property.Get is not { } get || property.DeclaringType.IsAbstract) return null;
        if (property.DeclaringType.GetConstructor(Type.EmptyTypes) is null) return null;
        var value = get(Activator.CreateInstance(property.DeclaringType)!);
        return value is null ? null : JsonSerializer.SerializeToNode(value, property.PropertyType, ExperimentJson.Options);
    }

    private static T? Attribute<T>(ICustomAttributeProvider provider) where T : Attribute =>
        provider.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();

    /// <summary>
    /// The exporter writes the step kinds as an anyOf, which makes a validator report every
    /// kind's complaints about a step of one kind. An if/then per kind reports only the errors
    /// of the kind the step names.
    /// </summary>
    private static void RewriteStepChoice(JsonObject root)
    {
        var steps = root["properties"]!["steps"]!["items"]!.AsObject();
        var branches = steps["anyOf"]!.AsArray().Select(b => b!.DeepClone().AsObject()).ToList();
        steps.Remove("anyOf");
        var names = StepTypes.All.Select(t => (JsonNode)t.Name).ToArray();
        steps["type"] = "object";
        steps["required"] = new JsonArray("type");
        steps["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["description"] = "Kind of step.", ["enum"] = new JsonArray(names) },
        };
        steps["allOf"] = new JsonArray(branches.Select(branch =>
        {
            var name = branch["properties"]!["type"]!["const"]!.GetValue<string>();
            return (JsonNode)new JsonObject
            {
                ["if"] = new JsonObject { ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = name } } },
                ["then"] = branch,
            };
        }).ToArray());
    }
}
