using System.Text.Encodings.Web;
using System.Text.Json;

namespace SelfRef.Stats.Export;

/// <summary>
/// Writes a table as JSON lines (one JSON object per line, UTF-8, "\n" line ends), keys as the
/// column names, in column order. Texts are kept exactly as given (no formula guard: JSON is not
/// opened by spreadsheets), flags are true/false, missing values null, JSON columns nested objects.
/// </summary>
public static class JsonLinesTableWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Umlauts and accents stay readable; these files are never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <returns>The number of rows written.</returns>
    public static long Write(Stream output, ExportTable table)
    {
        var names = table.Columns.Select(c => JsonEncodedText.Encode(c.Name, Options.Encoder)).ToArray();
        var kinds = table.Columns.Select(c => c.Kind).ToArray();
        using var json = new Utf8JsonWriter(output, Options);
        long rows = 0;
        foreach (var row in table.Rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < names.Length; i++)
            {
                json.WritePropertyName(names[i]);
                Value(json, kinds[i], row[i]);
            }
            json.WriteEndObject();
            json.Flush();
            output.WriteByte((byte)'\n');
            // One writer for every line: Reset lets it start the next top-level object.
            json.Reset();
            rows++;
        }
        return rows;
    }

    private static void Value(Utf8JsonWriter json, ColumnKind kind, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string text when kind == ColumnKind.Json: json.WriteRawValue(text); break;
            case string text: json.WriteStringValue(text); break;
            // JSON has no NaN or infinity: such a value (never written by SelfRef's own columns) is kept as text, not a crash half way.
            case double number when !double.IsFinite(number): json.WriteStringValue(number.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case double number: json.WriteNumberValue(number); break;
            case long number: json.WriteNumberValue(number); break;
            case int number: json.WriteNumberValue(number); break;
            case bool flag: json.WriteBooleanValue(flag); break;
            case DateTime time: json.WriteStringValue(time.ToUniversalTime().ToString(CsvTableWriter.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: throw new ArgumentException($"an export value cannot be a {value.GetType().Name}", nameof(value));
        }
    }
}
