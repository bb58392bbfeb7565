using System.Text;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Export;

/// <summary>
/// What every column of an export means, from the same column declarations the files were
/// written with: a table (codebook.csv, itself an export table) and a page (codebook.md) that
/// also says whether identifiers are included and what was left out.
/// </summary>
public static class Codebook
{
    public sealed record Entry(string File, ExportColumn Column);

    private static readonly IReadOnlyList<ExportField<Entry>> Fields =
    [
        new(new("file", ColumnKind.Text, "Data file the column belongs to, as a path inside the export.", "", "a file name"), e => e.File),
        new(new("column", ColumnKind.Text, "Column name (CSV header, JSON lines key).", "", "text"), e => e.Column.Name),
        new(new("type", ColumnKind.Text, "How the values are written.", "", "text, number, integer, flag (1/0 in CSV, true/false in JSON lines), timestamp (ISO 8601 UTC), json (an object; its text in CSV)"), e => e.Column.TypeName),
        new(new("unit", ColumnKind.Text, "Unit of measurement.", "", "e.g. ms, km, degrees, UTC; empty when the column has none"), e => e.Column.Unit),
        new(new("values", ColumnKind.Text, "Which values occur and what they mean.", "", "text"), e => e.Column.Values),
        new(new("description", ColumnKind.Text, "What the column holds.", "", "text"), e => e.Column.Description),
        new(new("identifying", ColumnKind.Flag, "Whether the column identifies the participant (written only when identifiers are included).", "", "1 = identifying, 0 = not"), e => e.Column.Identifying),
    ];

    /// <summary>The codebook as a table: one row per column of every data file.</summary>
    public static ExportTable Table(IEnumerable<(string File, ExportTable Table)> files) =>
        ExportTable.Of("codebook", "One row per column of every data file of this export.", Fields,
            files.SelectMany(f => f.Table.Columns.Select(c => new Entry(f.File, c))).ToList(), includeIdentifying: true);

    /// <summary>The codebook as a Markdown page.</summary>
    /// <param name="notes">Sentences on the sessions written (versions, pilot runs, exclusions), each a paragraph after the identifier statement.</param>
    public static string Markdown(Experiment experiment, ExportOptions options, IEnumerable<(string File, ExportTable Table, long? Rows)> files, IEnumerable<string>? notes = null)
    {
        var text = new StringBuilder();
        var title = experiment.Title.In(experiment.Languages[0]);
        text.AppendLine($"# Codebook: {Cell(title)} ({experiment.Id})").AppendLine();
        text.AppendLine($"Exported by SelfRef on {options.ExportedAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC as {options.Format.Name()}.").AppendLine();
        text.AppendLine(IdentifierStatement(experiment, options.IncludeIdentifiers, options.Coarse)).AppendLine();
        foreach (var note in notes ?? []) text.AppendLine(note).AppendLine();
        text.AppendLine("Missing values: an empty cell in CSV files, null in JSON lines files.").AppendLine();
        text.AppendLine(FormulaGuard.Note).AppendLine();
        text.AppendLine("The participant pseudonym (`participant`) links the files: one row per participant in the participant table, one per participant and task in the outcome table, one per event in the event table.").AppendLine();
        foreach (var (file, table, rows) in files)
        {
            text.AppendLine($"## {file}{(rows is { } n ? $" ({n:N0} rows)" : "")}").AppendLine();
            text.AppendLine(table.Description).AppendLine();
            text.AppendLine("| column | type | unit | values | description |");
            text.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var c in table.Columns)
                text.AppendLine($"| `{c.Name}` | {c.TypeName} | {Cell(c.Unit)} | {Cell(c.Values)} | {Cell(c.Description)}{(c.Identifying ? " **Identifying.**" : "")} |");
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Whether identifiers are in the files, and which ones.</summary>
    public static string IdentifierStatement(Experiment experiment, bool included, CoarseGrid? coarse = null)
    {
        var list = IdentifierList(experiment);
        return included
            ? $"**Identifiers: INCLUDED** (the researcher asked for them and confirmed). These files contain {list}. Keep them as protected as the names themselves and delete them when the retention period ends."
            : $"**Identifiers: not included.** Left out: {list}; and the place names in match details. Removed event fields are named in the event's \"redacted\" field." +
              (coarse is null ? "" : $" **Coarse coordinates:** the first targets' coordinates and the map's event coordinates are kept rounded to the centre of a grid cell of about {coarse.Km:0.#} km (named in \"coarsened\"); the home town's never.");
    }

    /// <summary>What identifies a participant of this experiment, as the contract in <see cref="Identifiers"/> says, in words.</summary>
    public static string IdentifierList(Experiment experiment)
    {
        var answers = Identifiers.AnswerKeys(experiment).Order(StringComparer.Ordinal).ToList();
        var parameters = Identifiers.RecruitmentParameters(experiment);
        var eventFields = Identifiers.EventTypes(experiment).Select(e => $"{e.Type} ({string.Join(", ", e.Fields)})")
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var items = new List<string>();
        if (answers.Count > 0) items.Add($"answers to {string.Join(", ", answers)}");
        if (parameters.Count > 0) items.Add($"recruitment parameters {string.Join(", ", parameters)}");
        if (eventFields.Count > 0) items.Add($"event data fields {string.Join("; ", eventFields)}");
        var columns = OutcomeColumns.TaskColumns(experiment.Steps.Select(s => StepTypes.TaskOf(s)?.Name).OfType<string>()).Where(c => c.Identifying).Select(c => c.Name).ToList();
        if (columns.Count > 0) items.Add($"outcome columns {string.Join(", ", columns)}");
        return string.Join("; ", items);
    }

    // A Markdown table cell: no line breaks, no column separators.
    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
