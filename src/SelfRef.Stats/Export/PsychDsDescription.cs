using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SelfRef.Core.Experiments;

namespace SelfRef.Stats.Export;

/// <summary>
/// Psych-DS (psych-ds.github.io): a dataset folder with dataset_description.json (schema.org
/// Dataset metadata whose variableMeasured lists every column of every data file) and data files
/// under data/ named by keywords, e.g. data/study-gallupPen_description-outcomes_data.csv.
/// </summary>
public static class PsychDsDescription
{
    public const string FileName = "dataset_description.json";

    /// <summary>
    /// The data file of one table. Psych-DS keyword values may hold letters and digits only, so
    /// the experiment id "gallup-pen" becomes "gallupPen"; "description" is Psych-DS's official
    /// keyword for what a file holds.
    /// </summary>
    public static string DataFile(string experimentId, string table) => $"data/study-{KeywordValue(experimentId)}_description-{KeywordValue(table)}_data.csv";

    public static string KeywordValue(string text)
    {
        var value = new StringBuilder(text.Length);
        var upper = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                value.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else upper = value.Length > 0;
        }
        return value.Length > 0 ? value.ToString() : throw new ArgumentException($"'{text}' has no letter or digit to name a Psych-DS file by", nameof(text));
    }

    /// <summary>
    /// The description. A column that several files share (participant, experiment, condition) is
    /// one variable; where the files say different things of it, each file's description is given.
    /// </summary>
    public static string Json(Experiment experiment, ExportOptions options, IEnumerable<(string File, ExportTable Table)> dataFiles)
    {
        var language = experiment.Languages[0];
        var variables = new List<(ExportColumn Column, List<string> Descriptions)>();
        foreach (var (file, table) in dataFiles)
        {
            foreach (var column in table.Columns)
            {
                var text = $"{column.Description} Values: {column.Values}.";
                var known = variables.FindIndex(v => v.Column.Name == column.Name);
                if (known < 0) variables.Add((column, [text]));
                else if (!variables[known].Descriptions.Contains(text)) variables[known].Descriptions.Add($"In {file}: {text}");
            }
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("@context", "https://schema.org/");
            json.WriteString("@type", "Dataset");
            json.WriteString("name", experiment.Title.In(language));
            json.WriteString("description",
                $"Data of the SelfRef experiment '{experiment.Id}' on the self-reference effect (what a participant does first with a pen or a map): " +
                $"participants, outcomes per participant and task, and every logged event. {Codebook.IdentifierStatement(experiment, options.IncludeIdentifiers).Replace("**", "")} " +
                "Missing values are empty cells. " + FormulaGuard.Note);
            json.WriteString("identifier", experiment.Id);
            json.WriteString("dateCreated", options.ExportedAt.ToUniversalTime().ToString(CsvTableWriter.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartArray("keywords");
            foreach (var keyword in new[] { "self-reference effect", "first action" }.Concat(experiment.Steps.Select(StepTypes.Of).Where(t => t.IsTask).Select(t => $"{t.Name} task")).Distinct())
                json.WriteStringValue(keyword);
            json.WriteEndArray();
            json.WriteStartArray("variableMeasured");
            foreach (var (column, descriptions) in variables)
            {
                json.WriteStartObject();
                json.WriteString("@type", "PropertyValue");
                json.WriteString("name", column.Name);
                json.WriteString("description", string.Join(" ", descriptions));
                if (column.Unit.Length > 0) json.WriteString("unitText", column.Unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
