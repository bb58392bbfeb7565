using System.Globalization;
using System.Text;
using SelfRef.Simulation.Load;

namespace SelfRef.Benchmarks;

/// <summary>
/// An erasure on the run's clock: a withdrawal the load generator made (from its request to the
/// answer), or a line the server's privacy sweeper logged (retention deleted identifiers, the
/// file was rebuilt, or the pass failed), taken when the line arrived.
/// </summary>
internal sealed record ErasureMark(TimeSpan At, TimeSpan Took, string Kind, string Detail)
{
    public const string WithdrawalKind = "withdrawal";
}

/// <summary>The longest acknowledgement delay in the seconds around one erasure.</summary>
internal sealed record ErasureDelay(ErasureMark Mark, double LongestMs);

/// <summary>
/// How erasures delay acknowledgements. For each erasure, the longest delay (the slowest ack
/// received, or the batch longest in flight, <see cref="TimelineRow.LongestAckDelayMs"/>) over the
/// seconds it touches: a withdrawal from its request to <see cref="AfterSeconds"/> after its
/// answer; a sweeper line from <see cref="SweepBeforeSeconds"/> before it (the sweeper logs when
/// its pass is done) to <see cref="AfterSeconds"/> after. For comparison, the same per second
/// over the load window's seconds that no erasure touches.
/// </summary>
internal static class ErasureImpact
{
    public const double AfterSeconds = 1, SweepBeforeSeconds = 3;
    /// <summary>The issue's bound: no acknowledgement delayed more than this by an erasure.</summary>
    public const double BoundMs = 1000;

    public static IReadOnlyList<ErasureDelay> Around(IReadOnlyList<TimelineRow> rows, IReadOnlyList<ErasureMark> marks) =>
        marks.Select(m => new ErasureDelay(m, Near(rows, m).Select(r => r.LongestAckDelayMs).DefaultIfEmpty(0).Max())).ToList();

    /// <summary>Per-second longest delays of the load window's seconds that lie near no erasure.</summary>
    public static List<double> Away(IReadOnlyList<TimelineRow> rows, IReadOnlyList<ErasureMark> marks)
    {
        var near = marks.SelectMany(m => Near(rows, m)).ToHashSet();
        return rows.Where(r => r.Phase == LoadPhase.Load && !near.Contains(r)).Select(r => r.LongestAckDelayMs).ToList();
    }

    /// <summary>The seconds an erasure touches, as text for the report.</summary>
    public static string Span(string kind) => kind == ErasureMark.WithdrawalKind
        ? $"from its request to {AfterSeconds:0.#} s after its answer"
        : $"from {SweepBeforeSeconds:0.#} s before the sweeper's line to {AfterSeconds:0.#} s after";

    // A row covers the second that ends at its ElapsedSeconds; it is near if that second overlaps the erasure's span.
    private static IEnumerable<TimelineRow> Near(IReadOnlyList<TimelineRow> rows, ErasureMark m)
    {
        var from = m.Kind == ErasureMark.WithdrawalKind ? m.At.TotalSeconds : m.At.TotalSeconds - SweepBeforeSeconds;
        var to = (m.At + m.Took).TotalSeconds + AfterSeconds;
        return rows.Where(r => r.ElapsedSeconds > from && r.ElapsedSeconds - 1 < to);
    }

    public static void WriteCsv(IReadOnlyList<ErasureDelay> delays, string path)
    {
        var csv = new StringBuilder("at_s,took_ms,kind,longest_ack_delay_ms_around,detail\n");
        foreach (var d in delays.OrderBy(d => d.Mark.At))
            csv.Append(string.Join(',', F(d.Mark.At.TotalSeconds), F(d.Mark.Took.TotalMilliseconds), d.Mark.Kind, F(d.LongestMs), Quote(d.Mark.Detail))).Append('\n');
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, csv.ToString());

        static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
    }
}

/// <summary>
/// Reads the privacy sweeper's lines out of the server's console log (category line
/// "info: SelfRef.Web.Hosting.PrivacySweeper[0]", message on the next line), so that retention
/// passes and rebuilds land on the run's time line without looking inside the server. Any
/// category naming PrivacySweeper or Retention counts.
/// </summary>
internal sealed class SweeperLog(Func<TimeSpan> clock)
{
    private readonly Lock _lock = new();
    private readonly List<ErasureMark> _marks = [];
    private (TimeSpan At, string Level)? _category;
    // A failure's mark, until the exception line that follows its message names what failed.
    private int? _failure;

    public void Line(string line)
    {
        lock (_lock)
        {
            var trimmed = line.TrimStart();
            if (_failure is { } index && trimmed.Contains("Exception", StringComparison.Ordinal))
            {
                _marks[index] = _marks[index] with { Detail = _marks[index].Detail + " — " + (trimmed.Length > 300 ? trimmed[..300] : trimmed) };
                _failure = null;
                return;
            }
            var colon = trimmed.IndexOf(':');
            var level = colon > 0 ? trimmed[..colon] : "";
            if (level is "info" or "warn" or "fail" or "crit" or "dbug" or "trce")
            {
                var category = trimmed[(colon + 1)..];
                _category = category.Contains("PrivacySweeper", StringComparison.Ordinal) || category.Contains("Retention", StringComparison.Ordinal) ? (clock(), level) : null;
                _failure = null;
                return;
            }
            if (_category is not { } c) return;
            _category = null;
            var message = trimmed;
            var kind = c.Level is "fail" or "crit" ? "sweeper failed"
                : message.Contains("identifiers", StringComparison.OrdinalIgnoreCase) ? "retention"
                : message.Contains("rebuil", StringComparison.OrdinalIgnoreCase) || message.Contains("compact", StringComparison.OrdinalIgnoreCase) ? "compaction"
                : "sweeper";
            _marks.Add(new ErasureMark(c.At, TimeSpan.Zero, kind, message));
            _failure = kind == "sweeper failed" ? _marks.Count - 1 : null;
        }
    }

    public IReadOnlyList<ErasureMark> Marks
    {
        get { lock (_lock) return [.. _marks]; }
    }
}
