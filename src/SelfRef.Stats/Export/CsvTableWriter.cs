using System.Globalization;
using CsvHelper;

namespace SelfRef.Stats.Export;

/// <summary>
/// Writes a table as RFC 4180 CSV in UTF-8 (no byte order mark, "\n" line ends): header, then one
/// line per row as the rows come. Text cells pass <see cref="FormulaGuard"/>; numbers, flags and
/// times are written as what they are. Missing values are empty cells.
/// </summary>
public static class CsvTableWriter
{
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <returns>The number of rows written.</returns>
    public static long Write(Stream output, ExportTable table)
    {
        using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true);
        csv.WriteRecord([.. table.Columns.Select(c => c.Name)]);
        var cells = new string?[table.Columns.Count];
        long rows = 0;
        foreach (var row in table.Rows)
        {
            for (var i = 0; i < cells.Length; i++) cells[i] = Cell(row[i]);
            csv.WriteRecord(cells!);
            rows++;
        }
        csv.Flush();
        return rows;
    }

    public static string? Cell(object? value) => value switch
    {
        null => null,
        string text => FormulaGuard.Cell(text),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        long number => number.ToString(CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "1" : "0",
        DateTime time => time.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"an export cell cannot hold a {value.GetType().Name}", nameof(value)),
    };
}
