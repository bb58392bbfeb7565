using SelfRef.Core.Experiments;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// A participant with more than one row for one task: only <see cref="KeptRow"/> is counted.
/// Rows are numbered from 1 in the order of the rows analysed (for an outcome CSV read whole: its data rows after the header).
/// </summary>
public sealed record DuplicateRows(string Participant, string Task, int KeptRow, IReadOnlyList<int> LeftOutRows);

/// <summary>A task or condition written in another case than the name it is counted under ("Pen" counted as "pen").</summary>
public sealed record NameSpelling(string Column, string Written, string CountedAs, int Rows);

/// <summary>
/// The outcome table as the report counts it: one row per participant and task, with task and
/// condition names compared ignoring case.
/// <list type="bullet">
/// <item>A task name is spelled as the registry names its task type ("Pen" → "pen"); a task the
/// registry does not know, and every condition, keeps the spelling seen first in the table.</item>
/// <item>When a participant has several rows for one task, the first row in table order is kept and
/// the later ones are left out, whatever they hold; <see cref="Duplicates"/> names them so the
/// report can say so. Participant pseudonyms are compared exactly (they are case-sensitive codes).</item>
/// </list>
/// </summary>
public sealed record TidyOutcomes(IReadOnlyList<OutcomeRow> Rows, IReadOnlyList<DuplicateRows> Duplicates, IReadOnlyList<NameSpelling> Respelled)
{
    public int LeftOutRows => Duplicates.Sum(d => d.LeftOutRows.Count);

    /// <summary>
    /// Whether counting changed the table: a row left out or a name respelled. When not, <see cref="Rows"/> are the rows given
    /// (the same list), and a table counted as it streamed past (<see cref="Builder"/> without kept rows) is its source row for row.
    /// </summary>
    public bool Changed { get; init; }

    /// <summary>The experiment ids of the rows counted, each once in order of first appearance; empty ids left out.</summary>
    public IReadOnlyList<string> Experiments { get; init; } = [];

    /// <summary>Distinct participants with a counted row that says they completed.</summary>
    public int CompletedParticipants { get; init; }

    /// <summary>Distinct participants of <see cref="Rows"/>.</summary>
    internal int ParticipantCount { get; init; }

    public static TidyOutcomes Of(IReadOnlyList<OutcomeRow> rows)
    {
        var builder = new Builder(keepRows: true);
        foreach (var row in rows) builder.Add(row, out _);
        return builder.Build(rows);
    }

    /// <summary>
    /// Counts rows as they come (from a list, or from a file read once without keeping its rows): each row is kept or left out
    /// at once, so the counting needs no second look at the rows; participants are numbered in order of first appearance.
    /// </summary>
    internal sealed class Builder(bool keepRows)
    {
        private readonly Dictionary<string, string> _registered = StepTypes.Tasks.Select(t => t.Name).ToDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> _taskNames = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> _conditionNames = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<(string Column, string Written, string CountedAs), int> _respelled = [];
        // Who has a row for which task, compactly: participants numbered once, each with a bit per task
        // (the first 64 tasks; any further in a set), instead of a set of (pseudonym, task) pairs.
        private readonly Dictionary<string, int> _participants = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _taskIds = new(StringComparer.Ordinal);
        private readonly List<ulong> _seen = [];
        private HashSet<(int Participant, int Task)>? _seenBeyond64;
        private Dictionary<(int Participant, int Task), List<int>>? _leftOut;
        // Per kept row: participant, task and row number, to name the row kept for a repeated pair without a second pass over the rows.
        private readonly List<(int Participant, int Task, int Row)> _kept = [];
        private readonly List<OutcomeRow>? _keptRows = keepRows ? [] : null;
        private readonly HashSet<string> _experiments = new(StringComparer.Ordinal);
        private readonly List<string> _experimentOrder = [];
        private readonly List<bool> _completed = [];
        private int _rows;
        private bool _changed;
        // Values read from a CSV are pooled: the same name usually arrives as the same string as the row before.
        private (string? Written, string Canonical) _lastTask = (null, ""), _lastCondition = (null, "");

        /// <summary>The row as counted (names as the report spells them), or null when it repeats a participant and task already counted.</summary>
        /// <param name="participant">The row's participant's number (0, 1, … in order of first appearance).</param>
        public OutcomeRow? Add(OutcomeRow row, out int participant)
        {
            var number = ++_rows;
            var task = ReferenceEquals(row.Task, _lastTask.Written) ? _lastTask.Canonical : Canonical(_taskNames, row.Task, _registered);
            var condition = ReferenceEquals(row.Condition, _lastCondition.Written) ? _lastCondition.Canonical : Canonical(_conditionNames, row.Condition, null);
            (_lastTask, _lastCondition) = ((row.Task, task), (row.Condition, condition));
            if (task != row.Task) Count(_respelled, ("task", row.Task, task));
            if (condition != row.Condition) Count(_respelled, ("condition", row.Condition, condition));
            if (task != row.Task || condition != row.Condition)
            {
                row = row with { Task = task, Condition = condition };
                _changed = true;
            }
            if (!_participants.TryGetValue(row.Participant, out var p))
            {
                _participants[row.Participant] = p = _seen.Count;
                _seen.Add(0);
                _completed.Add(false);
            }
            participant = p;
            if (!_taskIds.TryGetValue(task, out var t)) _taskIds[task] = t = _taskIds.Count;
            bool first;
            if (t < 64)
            {
                first = (_seen[p] & (1UL << t)) == 0;
                _seen[p] |= 1UL << t;
            }
            else first = (_seenBeyond64 ??= []).Add((p, t));
            if (!first)
            {
                _leftOut ??= [];
                if (!_leftOut.TryGetValue((p, t), out var list)) _leftOut[(p, t)] = list = [];
                list.Add(number);
                _changed = true;
                return null;
            }
            _kept.Add((p, t, number));
            _keptRows?.Add(row);
            if (row.Experiment.Length > 0 && _experiments.Add(row.Experiment)) _experimentOrder.Add(row.Experiment);
            if (row.Completed) _completed[p] = true;
            return row;
        }

        /// <param name="given">The rows added, when they are a list: returned as <see cref="Rows"/> when counting changed nothing.</param>
        public TidyOutcomes Build(IReadOnlyList<OutcomeRow>? given = null)
        {
            var duplicates = new List<DuplicateRows>();
            if (_leftOut is not null)
            {
                var names = _participants.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
                var taskOf = _taskIds.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
                var firstRow = new Dictionary<(int, int), int>();
                foreach (var (p, t, row) in _kept)
                    if (_leftOut.ContainsKey((p, t))) firstRow.TryAdd((p, t), row);
                duplicates = _leftOut.Select(d => new DuplicateRows(names[d.Key.Participant], taskOf[d.Key.Task], firstRow[d.Key], d.Value)).OrderBy(d => d.KeptRow).ToList();
            }
            return new TidyOutcomes(_changed || given is null ? (IReadOnlyList<OutcomeRow>?)_keptRows ?? [] : given, duplicates,
                _respelled.Select(r => new NameSpelling(r.Key.Column, r.Key.Written, r.Key.CountedAs, r.Value)).ToList())
            {
                Changed = _changed,
                Experiments = _experimentOrder,
                CompletedParticipants = _completed.Count(c => c),
                ParticipantCount = _seen.Count,
            };
        }
    }

    private static string Canonical(Dictionary<string, string> seen, string name, Dictionary<string, string>? registered)
    {
        if (seen.TryGetValue(name, out var canonical)) return canonical;
        canonical = registered is not null && registered.TryGetValue(name, out var official) ? official : name;
        seen[name] = canonical;
        return canonical;
    }

    private static void Count(Dictionary<(string, string, string), int> counts, (string, string, string) key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
