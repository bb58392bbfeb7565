using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfRef.Core.Events;

/// <summary>
/// What an event's data must look like, read once from the record that declares it: each
/// property by its JSON name (camelCase, or [JsonPropertyName]), its kind (number, integer,
/// text, true/false, list, object), whether it may be missing or null (a nullable property).
/// Checking walks the parsed JSON without copying it, so every event can be checked on arrival;
/// a problem names the field ("data.pts[3][1]: expected a number, found text").
/// </summary>
public sealed class DataShape
{
    private enum Kind { Number, Integer, Text, Boolean, List, Object }

    private readonly Kind _kind;
    private readonly bool _nullable;
    private readonly DataShape? _items;
    private readonly IReadOnlyDictionary<string, DataShape>? _properties;
    private readonly IReadOnlyList<string> _required = [];

    private static readonly ConcurrentDictionary<Type, DataShape> Shapes = new();
    private static readonly NullabilityInfoContext Nullability = new();

    private DataShape(Kind kind, bool nullable, DataShape? items = null, IReadOnlyDictionary<string, DataShape>? properties = null, IReadOnlyList<string>? required = null)
    {
        _kind = kind;
        _nullable = nullable;
        _items = items;
        _properties = properties;
        _required = required ?? [];
    }

    /// <summary>The shape of a record's JSON (its public properties).</summary>
    public static DataShape Of(Type record) => Shapes.GetOrAdd(record, type => ObjectShape(type, nullable: false));

    private static DataShape ObjectShape(Type type, bool nullable)
    {
        var properties = new Dictionary<string, DataShape>(StringComparer.Ordinal);
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var optional = Nullability.Create(property).ReadState == NullabilityState.Nullable;
            properties[name] = ValueShape(property.PropertyType, optional, Nullability.Create(property));
            if (!optional) required.Add(name);
        }
        return new DataShape(Kind.Object, nullable, properties: properties, required: required);
    }

    private static DataShape ValueShape(Type type, bool nullable, NullabilityInfo? info)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) { type = underlying; nullable = true; }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new(Kind.Number, nullable);
        if (type == typeof(int) || type == typeof(long)) return new(Kind.Integer, nullable);
        if (type == typeof(string)) return new(Kind.Text, nullable);
        if (type == typeof(bool)) return new(Kind.Boolean, nullable);
        var element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
            : null;
        if (element is not null)
        {
            var elementInfo = info?.ElementType ?? info?.GenericTypeArguments.FirstOrDefault();
            return new(Kind.List, nullable, items: ValueShape(element, elementInfo?.ReadState == NullabilityState.Nullable, elementInfo));
        }
        if (type.IsClass) return ObjectShape(type, nullable);
        throw new ArgumentException($"an event's data cannot hold a {type.Name}");
    }

    /// <summary>Null if the value fits, else what is wrong, starting with the path of the field.</summary>
    public string? Problem(JsonElement value, string path = "data") => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => _nullable ? null : $"{path}: is missing (expected {Expected})",
        _ => _kind switch
        {
            Kind.Number => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? null : Wrong(value, path),
            Kind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : Wrong(value, path),
            Kind.Text => value.ValueKind == JsonValueKind.String ? null : Wrong(value, path),
            Kind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Wrong(value, path),
            Kind.List => value.ValueKind == JsonValueKind.Array ? ListProblem(value, path) : Wrong(value, path),
            _ => value.ValueKind == JsonValueKind.Object ? ObjectProblem(value, path) : Wrong(value, path),
        },
    };

    private string? ListProblem(JsonElement list, string path)
    {
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (_items!.Problem(item, $"{path}[{i}]") is { } problem) return problem;
            i++;
        }
        return null;
    }

    private string? ObjectProblem(JsonElement value, string path)
    {
        // A field given twice would be read as one of the two by one reader and the other by the next: refused, not guessed.
        HashSet<string>? seen = null;
        foreach (var property in value.EnumerateObject())
        {
            if (!(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(property.Name))
                return $"{path}.{Clip(property.Name)}: is given twice (each field may appear once)";
            if (!_properties!.TryGetValue(property.Name, out var shape))
                return $"{path}.{Clip(property.Name)}: is not a field of this event (expected {string.Join(", ", _properties.Keys)})";
            if (shape.Problem(property.Value, $"{path}.{property.Name}") is { } problem) return problem;
        }
        foreach (var name in _required)
            if (!value.TryGetProperty(name, out _)) return $"{path}.{name}: is missing (expected {_properties![name].Expected})";
        return null;
    }

    private string Expected => _kind switch
    {
        Kind.Number => "a number",
        Kind.Integer => "a whole number",
        Kind.Text => "text",
        Kind.Boolean => "true or false",
        Kind.List => "a list",
        _ => "an object",
    };

    private string Wrong(JsonElement value, string path)
    {
        var found = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out var d) && double.IsFinite(d) ? "a number with a fraction or out of range" : "a number too large to keep exactly",
            JsonValueKind.String => "text",
            JsonValueKind.True or JsonValueKind.False => "true/false",
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            _ => value.ValueKind.ToString().ToLowerInvariant(),
        };
        return $"{path}: expected {Expected}, found {found}";
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
