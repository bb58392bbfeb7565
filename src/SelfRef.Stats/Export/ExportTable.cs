namespace SelfRef.Stats.Export;

/// <summary>
/// One table of an export: its columns and its rows, the rows produced only while a writer asks
/// for them (one session's events at a time), so an export never holds all events.
/// A row holds one value per column, in column order: string, double, long, int, bool or
/// DateTime, or null for a missing value; a <see cref="ColumnKind.Json"/> value is JSON text.
/// </summary>
/// <param name="Name">Short name, also the file's keyword: "outcomes", "events", "participants".</param>
/// <param name="Description">One sentence on what one row is.</param>
public sealed record ExportTable(string Name, string Description, IReadOnlyList<ExportColumn> Columns, IEnumerable<object?[]> Rows)
{
    /// <summary>The table of typed rows, with only the fields whose column is wanted.</summary>
    public static ExportTable Of<TRow>(string name, string description, IEnumerable<ExportField<TRow>> fields, IEnumerable<TRow> rows, bool includeIdentifying)
    {
        var kept = fields.Where(f => includeIdentifying || !f.Column.Identifying).ToArray();
        return new ExportTable(name, description, kept.Select(f => f.Column).ToList(), Project(kept, rows));
    }

    private static IEnumerable<object?[]> Project<TRow>(ExportField<TRow>[] fields, IEnumerable<TRow> rows)
    {
        foreach (var row in rows)
        {
            var values = new object?[fields.Length];
            for (var i = 0; i < fields.Length; i++) values[i] = fields[i].Value(row);
            yield return values;
        }
    }
}
