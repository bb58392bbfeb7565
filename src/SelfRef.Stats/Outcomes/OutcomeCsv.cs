using System.Globalization;
using CsvHelper;
using nietras.SeparatedValues;
using SelfRef.Core.Tasks;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// Reads and writes the outcome table (one row per participant and task) as CSV: the columns
/// every task has, the marks (pilot, excluded, exclusion_reason: OutcomeColumns.Marks), then the
/// task types' own columns (OutcomeColumns.TaskColumns). Only
/// <see cref="OutcomeColumns.Required"/> must be present; a missing optional column reads as
/// empty text, as null, or (for <c>completed</c>) as true, because a minimal export lists only
/// participants who have outcomes. "NA" reads as missing, as R writes it. A task column is
/// checked against its declaration (a number, degrees within range, a distance not negative);
/// a column no task declares is kept as text.
/// </summary>
public static class OutcomeCsv
{
    private static readonly SepReaderOptions ReaderOptions = Sep.New(',').Reader(o => o with
    {
        Unescape = true,
        Trim = SepTrim.All,
        CultureInfo = CultureInfo.InvariantCulture,
        // Rows with another number of fields are reported with their line, as OutcomeCsvException.
        DisableColCountCheck = true,
        // Most columns repeat a handful of values (task, condition, device, ...): one string per
        // distinct value per column holds far less memory than one string per field.
        CreateToString = SepToString.PoolPerCol(maximumStringLength: 64),
    });

    /// <summary>Reads the whole table; a bad value stops it with file, line and column (<see cref="OutcomeCsvException"/>).</summary>
    public static IReadOnlyList<OutcomeRow> Read(string path) => [.. ReadEach(path)];

    /// <summary>
    /// The table's rows one at a time as the file is read, for a caller that counts them without keeping them (a million
    /// rows held in memory cost more than counting them). Checked as <see cref="Read(string)"/> checks them: a bad value
    /// stops the enumeration at its row.
    /// </summary>
    public static IEnumerable<OutcomeRow> ReadEach(string path)
    {
        // Sep reads the file's bytes through a StreamReader that follows a byte order mark (UTF-8 otherwise).
        using var reader = Open(() => ReaderOptions.FromFile(path), path);
        foreach (var row in Rows(reader, path)) yield return row;
    }

    /// <param name="source">Name used in error messages, usually the file path.</param>
    public static IReadOnlyList<OutcomeRow> Read(TextReader text, string source)
    {
        using var reader = Open(() => ReaderOptions.From(text), source);
        return Read(reader, source);
    }

    private static SepReader Open(Func<SepReader> open, string source)
    {
        try
        {
            return open();
        }
        catch (InvalidDataException e)
        {
            throw new OutcomeCsvException(source, 1, null, "the header line cannot be read as CSV: " + e.Message);
        }
    }

    private static List<OutcomeRow> Read(SepReader reader, string source) => [.. Rows(reader, source)];

    private static IEnumerable<OutcomeRow> Rows(SepReader reader, string source)
    {
        var header = reader.Header.ColNames;
        if (reader.Header.IsEmpty || header.Count == 0 || header is [""])
            throw new OutcomeCsvException(source, 1, null, "the file is empty; expected a header line with " + string.Join(",", OutcomeColumns.Required));
        CheckHeader(header, source);
        var fields = new FieldReader(header, source);
        while (reader.MoveNext())
            if (Row(reader.Current, fields, header.Count, source) is { } row) yield return row;
    }

    /// <returns>The row; null for a blank line (one empty field), which is no row, as CSV readers commonly skip it.</returns>
    private static OutcomeRow? Row(SepReader.Row row, FieldReader fields, int columns, string source)
    {
        if (row.ColCount == 1 && row[0].Span.IsWhiteSpace()) return null;
        if (row.ColCount != columns)
            throw new OutcomeCsvException(source, row.LineNumberFrom, null,
                $"the line cannot be read as CSV: it has {row.ColCount} field(s), the header {columns}");
        return fields.Row(row);
    }

    private static void CheckHeader(IReadOnlyList<string> header, string source)
    {
        var missing = OutcomeColumns.Required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new OutcomeCsvException(source, 1, null,
                $"missing column(s) {string.Join(", ", missing)}; the header has {string.Join(",", header)}");
    }

    public static void Write(string path, IEnumerable<OutcomeRow> rows, IEnumerable<string>? tasks = null)
    {
        using var writer = new StreamWriter(path);
        Write(writer, rows, tasks);
    }

    /// <param name="tasks">the task types whose own columns the table has; null: those of every registered task type.</param>
    public static void Write(TextWriter writer, IEnumerable<OutcomeRow> rows, IEnumerable<string>? tasks = null)
    {
        // Formula-injection escaping would alter values (e.g. a leading "-"); this is a data file, not a spreadsheet.
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true);
        var extra = OutcomeColumns.TaskColumns(tasks).Select(c => c.Name).ToList();
        csv.WriteRecord(Header(extra));
        foreach (var r in rows)
        {
            csv.WriteRecord(
            [
                r.Participant,
                r.Experiment,
                r.Task,
                r.Condition,
                r.TaskOrder?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.Device,
                r.PointerType,
                r.Language,
                Number(r.LatencyMs),
                r.SelfReference switch { true => "1", false => "0", null => "" },
                r.MissingReason ?? "",
                r.MatchDetail ?? "",
                r.Completed ? "1" : "0",
                r.Version,
                r.Pilot ? "1" : "0",
                r.Excluded ? "1" : "0",
                r.ExclusionReason ?? "",
                .. extra.Select(name => r.Columns.GetValueOrDefault(name) ?? ""),
            ]);
        }
        csv.Flush();
    }

    private static string[] Header(IEnumerable<string> taskColumns) => [.. OutcomeColumns.Common, .. OutcomeColumns.Marks, .. taskColumns];

    /// <summary>
    /// Whether the file's header line is the one <see cref="Write(string, IEnumerable{OutcomeRow}, IEnumerable{string})"/> writes
    /// (every registered task type's columns): then the file, read whole, is the table Write would write, column for column.
    /// </summary>
    public static bool HasWrittenHeader(string path)
    {
        // StreamReader follows a byte order mark, as the reader does.
        using var text = new StreamReader(path);
        var line = text.ReadLine();
        return line is not null && line.TrimEnd('\r') == string.Join(",", Header(OutcomeColumns.TaskColumns().Select(c => c.Name)));
    }

    // "R" formatting round-trips, so a written table reads back to the same doubles.
    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Turns one CSV row into an <see cref="OutcomeRow"/>, the columns found once from the header.</summary>
    private sealed class FieldReader
    {
        private readonly string _source;
        private readonly int _participant, _experiment, _task, _condition, _taskOrder, _device, _pointerType, _language,
            _latencyMs, _selfReference, _missingReason, _matchDetail, _completed, _version, _pilot, _excluded, _exclusionReason;
        private readonly (string Name, int Index, OutcomeColumn? Declared)[] _extra;
        private readonly TaskColumnValues.Names _extraNames;
        private readonly string?[] _cells;

        public FieldReader(IReadOnlyList<string> header, string source)
        {
            _source = source;
            int Index(string column)
            {
                for (var i = 0; i < header.Count; i++) if (header[i] == column) return i;
                return -1;
            }
            (_participant, _experiment, _task, _condition, _taskOrder, _device, _pointerType, _language) =
                (Index(OutcomeColumns.Participant), Index(OutcomeColumns.Experiment), Index(OutcomeColumns.Task), Index(OutcomeColumns.Condition),
                 Index(OutcomeColumns.TaskOrder), Index(OutcomeColumns.Device), Index(OutcomeColumns.PointerType), Index(OutcomeColumns.Language));
            (_latencyMs, _selfReference, _missingReason, _matchDetail, _completed, _version, _pilot, _excluded, _exclusionReason) =
                (Index(OutcomeColumns.LatencyMs), Index(OutcomeColumns.SelfReference), Index(OutcomeColumns.MissingReason), Index(OutcomeColumns.MatchDetail),
                 Index(OutcomeColumns.Completed), Index(OutcomeColumns.Version), Index(OutcomeColumns.Pilot), Index(OutcomeColumns.Excluded), Index(OutcomeColumns.ExclusionReason));
            var declared = OutcomeColumns.TaskColumns().ToDictionary(c => c.Name);
            _extra = header.Select((name, index) => (name, index))
                .Where(h => !OutcomeColumns.Common.Contains(h.name, StringComparer.Ordinal) && !OutcomeColumns.Marks.Contains(h.name, StringComparer.Ordinal))
                .Select(h => (h.name, h.index, declared.GetValueOrDefault(h.name))).ToArray();
            _extraNames = new TaskColumnValues.Names(_extra.Select(e => e.Name).ToList());
            _cells = new string?[_extra.Length];
        }

        public OutcomeRow Row(SepReader.Row row)
        {
            var line = row.LineNumberFrom;
            for (var i = 0; i < _extra.Length; i++) _cells[i] = Checked(row, line, _extra[i]);
            return new OutcomeRow(
                Participant: Required(row, line, _participant, OutcomeColumns.Participant),
                Experiment: Text(row, _experiment) ?? "",
                Task: Required(row, line, _task, OutcomeColumns.Task),
                Condition: Text(row, _condition) ?? "",
                TaskOrder: Integer(row, line, _taskOrder, OutcomeColumns.TaskOrder),
                Device: Text(row, _device) ?? "",
                PointerType: Text(row, _pointerType) ?? "",
                Language: Text(row, _language) ?? "",
                LatencyMs: NonNegative(row, line, _latencyMs, OutcomeColumns.LatencyMs),
                SelfReference: Flag(row, line, _selfReference, OutcomeColumns.SelfReference, "1, 0 or empty"),
                MissingReason: Text(row, _missingReason),
                MatchDetail: Text(row, _matchDetail),
                Completed: Flag(row, line, _completed, OutcomeColumns.Completed, "1 or 0") ?? true)
            {
                Columns = _extraNames.Of(_cells),
                Version = Text(row, _version) ?? "",
                Pilot = Flag(row, line, _pilot, OutcomeColumns.Pilot, "1 or 0") ?? false,
                Excluded = Flag(row, line, _excluded, OutcomeColumns.Excluded, "1 or 0") ?? false,
                ExclusionReason = Text(row, _exclusionReason),
            };
        }

        /// <summary>A task column's text, checked as its declaration says; kept as it is (numbers round-trip with "R").</summary>
        private string? Checked(SepReader.Row row, int line, (string Name, int Index, OutcomeColumn? Declared) column)
        {
            var span = Span(row, column.Index);
            if (IsMissing(span)) return null;
            if (column.Declared is not { Kind: OutcomeColumnKind.Number } declared) return row[column.Index].ToString();
            var value = declared.Role switch
            {
                OutcomeColumnRole.TargetLatitude or OutcomeColumnRole.HomeLatitude => Degrees(span, line, column.Name, 90),
                OutcomeColumnRole.TargetLongitude or OutcomeColumnRole.HomeLongitude => Degrees(span, line, column.Name, 180),
                OutcomeColumnRole.DistanceKm => NonNegative(span, line, column.Name),
                OutcomeColumnRole.Chance => Share(span, line, column.Name),
                _ => AnyNumber(span, line, column.Name),
            };
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        private static ReadOnlySpan<char> Span(SepReader.Row row, int index) => index < 0 ? default : row[index].Span;

        private static string? Text(SepReader.Row row, int index) =>
            index < 0 || row[index].Span.IsEmpty ? null : row[index].ToString();

        // "NA" reads as missing, as R writes it.
        private static bool IsMissing(ReadOnlySpan<char> text) => text.IsEmpty || text.SequenceEqual("NA");

        private string Required(SepReader.Row row, int line, int index, string column) =>
            Text(row, index) ?? throw Bad(line, column, "", "a non-empty value");

        private int? Integer(SepReader.Row row, int line, int index, string column)
        {
            var text = Span(row, index);
            if (IsMissing(text)) return null;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Bad(line, column, text, "a whole number or empty");
        }

        private double? NonNegative(SepReader.Row row, int line, int index, string column)
        {
            var text = Span(row, index);
            return IsMissing(text) ? null : NonNegative(text, line, column);
        }

        private double NonNegative(ReadOnlySpan<char> text, int line, string column)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0)
                return value;
            return text.Contains(',')
                ? throw Bad(line, column, text, "a number >= 0 with a decimal point, not a comma")
                : throw Bad(line, column, text, "a number >= 0 or empty");
        }

        private double AnyNumber(ReadOnlySpan<char> text, int line, string column) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Bad(line, column, text, text.Contains(',') ? "a number with a decimal point, not a comma" : "a number or empty");

        private double Share(ReadOnlySpan<char> text, int line, string column) =>
            AnyNumber(text, line, column) is var value && value is >= 0 and <= 1 ? value : throw Bad(line, column, text, "a share between 0 and 1 or empty");

        /// <summary>A latitude (limit 90) or longitude (limit 180) in degrees.</summary>
        private double Degrees(ReadOnlySpan<char> text, int line, string column, double limit)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) <= limit)
                return value;
            return text.Contains(',')
                ? throw Bad(line, column, text, $"degrees between -{limit} and {limit} with a decimal point, not a comma")
                : throw Bad(line, column, text, $"degrees between -{limit} and {limit} or empty");
        }

        private bool? Flag(SepReader.Row row, int line, int index, string column, string expected)
        {
            var text = Span(row, index);
            if (IsMissing(text)) return null;
            if (text is "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
            if (text is "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
            throw Bad(line, column, text, expected);
        }

        private OutcomeCsvException Bad(int line, string column, ReadOnlySpan<char> text, string expected) =>
            new(_source, line, column, $"'{text}' is not valid; expected {expected}");
    }
}
