using System.Globalization;
using CsvHelper;
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
    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        TrackLineNumbers = true,
        TrimWhitespace = true,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        MalformedData = CsvMalformedDataHandling.Throw,
        FormatProvider = CultureInfo.InvariantCulture,
        // Every row is kept, and most columns repeat a handful of values (task, condition,
        // device, ...): one string per distinct value reads 100,000 participants about twice as
        // fast and holds far less memory than one string per field.
        PoolStrings = true,
    };

    public static IReadOnlyList<OutcomeRow> Read(string path)
    {
        // Bytes straight from the file: the reader decodes UTF-8 (or follows a byte order mark) itself.
        using var stream = File.OpenRead(path);
        using var csv = CsvReader.Create(stream, ReaderOptions, leaveOpen: true);
        return Read(csv, path);
    }

    /// <param name="source">Name used in error messages, usually the file path.</param>
    public static IReadOnlyList<OutcomeRow> Read(TextReader reader, string source)
    {
        using var csv = CsvReader.Create(reader, ReaderOptions, leaveOpen: true);
        return Read(csv, source);
    }

    private static List<OutcomeRow> Read(CsvReader csv, string source)
    {
        var rows = new List<OutcomeRow>();
        var checkedHeader = false;
        IReadOnlyList<(string Name, int Index, OutcomeColumn? Declared)> extra = [];
        while (ReadRecord(csv, source))
        {
            if (!checkedHeader)
            {
                CheckHeader(csv.Headers ?? [], source);
                checkedHeader = true;
                var declared = OutcomeColumns.TaskColumns().ToDictionary(c => c.Name);
                extra = (csv.Headers ?? []).Select((name, index) => (name, index))
                    .Where(h => !OutcomeColumns.Common.Contains(h.name, StringComparer.Ordinal) && !OutcomeColumns.Marks.Contains(h.name, StringComparer.Ordinal))
                    .Select(h => (h.name, h.index, declared.GetValueOrDefault(h.name))).ToList();
            }
            rows.Add(new FieldReader(csv, source).Row(extra));
        }
        if (!checkedHeader)
        {
            if (csv.Headers is not { Count: > 0 } header)
                throw new OutcomeCsvException(source, 1, null, "the file is empty; expected a header line with " + string.Join(",", OutcomeColumns.Required));
            CheckHeader(header, source);
        }
        return rows;
    }

    private static void CheckHeader(IReadOnlyList<string> header, string source)
    {
        var missing = OutcomeColumns.Required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new OutcomeCsvException(source, 1, null,
                $"missing column(s) {string.Join(", ", missing)}; the header has {string.Join(",", header)}");
    }

    private static bool ReadRecord(CsvReader csv, string source)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw new OutcomeCsvException(source, e.LineNumber, null, "the line cannot be read as CSV: " + e.Message);
        }
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
        csv.WriteRecord([.. OutcomeColumns.Common, .. OutcomeColumns.Marks, .. extra]);
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

    // "R" formatting round-trips, so a written table reads back to the same doubles.
    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private sealed class FieldReader(CsvReader csv, string source)
    {
        public OutcomeRow Row(IReadOnlyList<(string Name, int Index, OutcomeColumn? Declared)> extra) => new(
            Participant: Required(OutcomeColumns.Participant),
            Experiment: Text(OutcomeColumns.Experiment) ?? "",
            Task: Required(OutcomeColumns.Task),
            Condition: Text(OutcomeColumns.Condition) ?? "",
            TaskOrder: Integer(OutcomeColumns.TaskOrder),
            Device: Text(OutcomeColumns.Device) ?? "",
            PointerType: Text(OutcomeColumns.PointerType) ?? "",
            Language: Text(OutcomeColumns.Language) ?? "",
            LatencyMs: NonNegative(OutcomeColumns.LatencyMs),
            SelfReference: Flag(OutcomeColumns.SelfReference, "1, 0 or empty"),
            MissingReason: Text(OutcomeColumns.MissingReason),
            MatchDetail: Text(OutcomeColumns.MatchDetail),
            Completed: Flag(OutcomeColumns.Completed, "1 or 0") ?? true)
        {
            Columns = extra.Count == 0 ? new Dictionary<string, string?>() : extra.ToDictionary(c => c.Name, c => Checked(c.Name, c.Declared)),
            Version = Text(OutcomeColumns.Version) ?? "",
            Pilot = Flag(OutcomeColumns.Pilot, "1 or 0") ?? false,
            Excluded = Flag(OutcomeColumns.Excluded, "1 or 0") ?? false,
            ExclusionReason = Text(OutcomeColumns.ExclusionReason),
        };

        /// <summary>A task column's text, checked as its declaration says; kept as it is (numbers round-trip with "R").</summary>
        private string? Checked(string column, OutcomeColumn? declared)
        {
            var text = Text(column);
            if (IsMissing(text) || declared is null || declared.Kind != OutcomeColumnKind.Number) return IsMissing(text) ? null : text;
            var value = declared.Role switch
            {
                OutcomeColumnRole.TargetLatitude or OutcomeColumnRole.HomeLatitude => Degrees(column, 90),
                OutcomeColumnRole.TargetLongitude or OutcomeColumnRole.HomeLongitude => Degrees(column, 180),
                OutcomeColumnRole.DistanceKm => NonNegative(column),
                OutcomeColumnRole.Chance => Share(column),
                _ => AnyNumber(column),
            };
            return value?.ToString("R", CultureInfo.InvariantCulture);
        }

        private double? AnyNumber(string column)
        {
            var text = Text(column);
            if (IsMissing(text)) return null;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Bad(column, text!, text!.Contains(',') ? "a number with a decimal point, not a comma" : "a number or empty");
        }

        private double? Share(string column) =>
            AnyNumber(column) is { } value ? value is >= 0 and <= 1 ? value : throw Bad(column, Text(column)!, "a share between 0 and 1 or empty") : null;

        private string? Text(string column)
        {
            if (!csv.TryGetFieldIndex(column, out var index)) return null;
            var value = csv.GetString(index);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        private static bool IsMissing(string? text) => text is null or "NA";

        private string Required(string column) =>
            Text(column) ?? throw Bad(column, "", "a non-empty value");

        private int? Integer(string column)
        {
            var text = Text(column);
            if (IsMissing(text)) return null;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Bad(column, text!, "a whole number or empty");
        }

        private double? NonNegative(string column)
        {
            var text = Text(column);
            if (IsMissing(text)) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value) && value >= 0)
                return value;
            return text!.Contains(',')
                ? throw Bad(column, text, "a number >= 0 with a decimal point, not a comma")
                : throw Bad(column, text, "a number >= 0 or empty");
        }

        /// <summary>A latitude (limit 90) or longitude (limit 180) in degrees.</summary>
        private double? Degrees(string column, double limit)
        {
            var text = Text(column);
            if (IsMissing(text)) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value) && Math.Abs(value) <= limit)
                return value;
            return text!.Contains(',')
                ? throw Bad(column, text, $"degrees between -{limit} and {limit} with a decimal point, not a comma")
                : throw Bad(column, text, $"degrees between -{limit} and {limit} or empty");
        }

        private bool? Flag(string column, string expected)
        {
            var text = Text(column);
            if (IsMissing(text)) return null;
            return text!.ToLowerInvariant() switch
            {
                "1" or "true" => true,
                "0" or "false" => false,
                _ => throw Bad(column, text, expected),
            };
        }

        private OutcomeCsvException Bad(string column, string text, string expected) =>
            new(source, csv.LineNumber, column, $"'{text}' is not valid; expected {expected}");
    }
}
