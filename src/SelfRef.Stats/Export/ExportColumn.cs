namespace SelfRef.Stats.Export;

/// <summary>How a column's values are written: CSV and JSON lines differ only in how they spell them.</summary>
public enum ColumnKind
{
    /// <summary>Text; in CSV guarded against formula injection (<see cref="FormulaGuard"/>).</summary>
    Text,
    /// <summary>A decimal number, written so that it reads back to the same double.</summary>
    Number,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>Yes/no: 1 or 0 in CSV, true or false in JSON lines.</summary>
    Flag,
    /// <summary>A UTC time in ISO 8601 with milliseconds, e.g. 2026-11-29T14:03:07.120Z.</summary>
    Timestamp,
    /// <summary>A JSON object: its text in CSV (guarded like text), the object itself in JSON lines.</summary>
    Json,
}

/// <summary>
/// One column of an export file, declared once: the writers take its name and kind, the codebook
/// and the Psych-DS description its description, unit and values.
/// </summary>
/// <param name="Name">Header in CSV, key in JSON lines; snake_case so R and pandas read it as it is.</param>
/// <param name="Description">What the column holds, for a reader who never saw SelfRef.</param>
/// <param name="Unit">Unit of measurement ("ms", "km", "degrees"), empty when it has none.</param>
/// <param name="Values">Which values occur and what they mean, including what an empty cell means.</param>
/// <param name="Identifying">Whether the column identifies the participant: written only when identifiers are included.</param>
public sealed record ExportColumn(string Name, ColumnKind Kind, string Description, string Unit, string Values, bool Identifying = false)
{
    public string TypeName => Kind switch
    {
        ColumnKind.Text => "text",
        ColumnKind.Number => "number",
        ColumnKind.Integer => "integer",
        ColumnKind.Flag => "flag",
        ColumnKind.Timestamp => "timestamp",
        ColumnKind.Json => "json",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}

/// <summary>A column together with how to read its value from a row, so the two cannot drift apart.</summary>
public sealed record ExportField<TRow>(ExportColumn Column, Func<TRow, object?> Value);
