using System.Runtime.InteropServices;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Results;

/// <summary>
/// What the report's statistics need from the outcome rows, gathered in one pass: per task the
/// classified rows counted per condition and outcome, the unclassified ones per missing reason, the
/// latencies of each outcome (sorted once, shared by the quartiles, Mann–Whitney and the ECDF), the
/// chances of a task tested against chance; and per participant what the completion funnel counts.
/// Every estimator then works on these aggregates instead of walking the rows again.
/// </summary>
/// <remarks>
/// The rows are counted as given: the report passes them through <see cref="TidyOutcomes"/> first (one
/// row per participant and task, names ignoring case). Orders that a statistic's rounding could depend
/// on are kept as the row-by-row code had them: distances and chances in row order, levels and missing
/// reasons ordinal.
/// </remarks>
internal sealed class OutcomeTally
{
    private OutcomeTally(IReadOnlyList<string> tasks, TaskTally[] perTask, List<double> distances, IReadOnlyList<FunnelStage> funnelCounts, IReadOnlyList<string>? commonOrder, int participants)
    {
        Tasks = tasks;
        _perTask = perTask;
        DistancesKm = distances;
        _funnelCounts = funnelCounts;
        CommonOrder = commonOrder;
        Participants = participants;
    }

    private readonly TaskTally[] _perTask;
    private readonly IReadOnlyList<FunnelStage> _funnelCounts;

    public IReadOnlyList<string> Tasks { get; }
    public int Participants { get; }
    /// <summary>Distances (km) of the rows whose task has a distance column, in row order.</summary>
    public IReadOnlyList<double> DistancesKm { get; }
    /// <summary>See <see cref="FunnelStage.CommonOrder"/>.</summary>
    public IReadOnlyList<string>? CommonOrder { get; }

    public TaskTally Task(string task) => _perTask[IndexOf(task)];

    private int IndexOf(string task)
    {
        for (var i = 0; i < Tasks.Count; i++) if (Tasks[i] == task) return i;
        throw new ArgumentException($"task '{task}' is not among the tallied tasks", nameof(task));
    }

    /// <summary>Participants present, with a first action per task (in <see cref="CommonOrder"/> when there is one), completed.</summary>
    public IReadOnlyList<FunnelStage> Funnel() => _funnelCounts;

    /// <summary>One task's aggregates.</summary>
    internal sealed class TaskTally
    {
        /// <summary>Classified rows per condition level: n and self-referential k.</summary>
        public Dictionary<string, (int N, int K)> Levels { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> Missing { get; } = new(StringComparer.Ordinal);
        public int N { get; set; }
        public int K { get; set; }
        public int LatencyUnclassified { get; set; }
        public int FirstActions { get; set; }
        internal List<double> SelfList { get; } = [];
        internal List<double> OtherList { get; } = [];
        /// <summary>Latencies (ms) of self-referential and other classified rows, ascending.</summary>
        public double[] SelfLatencies { get; internal set; } = [];
        public double[] OtherLatencies { get; internal set; } = [];
        /// <summary>Chances (row order) of classified rows that carry one, and how many of those were self-referential.</summary>
        public List<double> Chances { get; } = [];
        public int ChanceK { get; set; }
        /// <summary>Classified rows per value of each breakdown column as written (device, pointer type, language: <see cref="Breakdown.Columns"/>).</summary>
        public Dictionary<string, (int N, int K)>[] ByValue { get; } = [.. Breakdown.Columns.Select(_ => new Dictionary<string, (int N, int K)>(StringComparer.Ordinal))];
        /// <summary>Rows (of any outcome) whose match detail records human coding: number of coders → rows.</summary>
        public SortedDictionary<int, int> CodersPerAnswer { get; } = [];

        /// <summary>Latencies of every classified row, ascending.</summary>
        public double[] ClassifiedLatencies()
        {
            var all = new double[SelfLatencies.Length + OtherLatencies.Length];
            int i = 0, j = 0, k = 0;
            while (i < SelfLatencies.Length && j < OtherLatencies.Length)
                all[k++] = SelfLatencies[i] <= OtherLatencies[j] ? SelfLatencies[i++] : OtherLatencies[j++];
            while (i < SelfLatencies.Length) all[k++] = SelfLatencies[i++];
            while (j < OtherLatencies.Length) all[k++] = OtherLatencies[j++];
            return all;
        }
    }

    /// <param name="rows">The rows to count (for the report: <see cref="TidyOutcomes.Rows"/>).</param>
    /// <param name="tasks">Tasks to tally, in report order; rows of other tasks are passed over (but counted as participants).</param>
    /// <param name="chanceColumns">Per task (ignoring case), the column holding each participant's chance, if any.</param>
    public static OutcomeTally Of(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, IReadOnlyDictionary<string, string>? chanceColumns = null)
    {
        var builder = new Builder(chanceColumns);
        var participantOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (!participantOf.TryGetValue(r.Participant, out var p)) participantOf[r.Participant] = p = participantOf.Count;
            builder.Add(r, p);
        }
        return builder.Build(tasks, participantOf.Count);
    }

    /// <summary>
    /// Tallies rows as they come, each once (from a list, or as a file is read without keeping its rows): every task seen is
    /// tallied; <see cref="Build"/> then picks the tasks of the report. Per row only its participant, task and task_order
    /// are kept (for the funnel's order), not the row.
    /// </summary>
    internal sealed class Builder(IReadOnlyDictionary<string, string>? chanceColumns)
    {
        private readonly Dictionary<string, int> _taskIndex = new(StringComparer.Ordinal);
        private readonly List<string> _taskNames = [];
        private readonly List<TaskTally> _perTask = [];
        private readonly List<string?> _chanceOf = [];
        private readonly List<string?> _distanceOf = [];
        // Per task the first row (number, error) that stops the report when the task is tallied: as the row-by-row code threw at it.
        private readonly List<(int Row, ArgumentException Error)?> _firstError = [];
        private readonly List<double> _distances = [];
        private readonly List<bool> _completed = [];
        // Per participant a bit per task (the first 64; any further in a set): whether a first action was counted.
        private readonly List<ulong> _firstAction = [];
        private HashSet<(int Participant, int Task)>? _firstActionBeyond64;
        private readonly List<int> _rowParticipant = [];
        private readonly List<int> _rowTask = [];
        private readonly List<int> _rowOrder = [];
        private bool _anyOrderMissing;
        private string? _lastTask;
        private int _lastIndex = -1;
        private int _rows;

        /// <param name="p">The row's participant's number: 0, 1, … in order of first appearance.</param>
        public void Add(OutcomeRow r, int p)
        {
            var row = _rows++;
            while (_completed.Count <= p)
            {
                _completed.Add(false);
                _firstAction.Add(0);
            }
            if (r.Completed) _completed[p] = true;
            if (r.TaskOrder is null) _anyOrderMissing = true;

            // Rows of one task mostly come in runs or alternate: a reference check before the dictionary.
            var t = ReferenceEquals(r.Task, _lastTask) ? _lastIndex : TaskIndex(r.Task);
            (_lastTask, _lastIndex) = (r.Task, t);
            _rowParticipant.Add(p);
            _rowTask.Add(t);
            _rowOrder.Add(r.TaskOrder ?? 0);

            if (_distanceOf[t] is { } distanceColumn && r.Number(distanceColumn) is { } km) _distances.Add(km);
            if (r.SelfReference is not null || r.LatencyMs is not null)
            {
                bool first;
                if (t < 64)
                {
                    first = (_firstAction[p] & (1UL << t)) == 0;
                    _firstAction[p] |= 1UL << t;
                }
                else first = (_firstActionBeyond64 ??= []).Add((p, t));
                if (first) _perTask[t].FirstActions++;
            }

            var tally = _perTask[t];
            if (r.MatchDetail is not null && CodeConsensus.CodersIn(r.MatchDetail) is { } coders)
                tally.CodersPerAnswer[coders] = tally.CodersPerAnswer.GetValueOrDefault(coders) + 1;
            if (r.SelfReference is not { } self)
            {
                var reason = r.MissingReason ?? "unknown";
                tally.Missing[reason] = tally.Missing.GetValueOrDefault(reason) + 1;
                if (r.LatencyMs is not null) tally.LatencyUnclassified++;
                return;
            }
            tally.N++;
            if (self) tally.K++;
            Count(tally.Levels, r.Condition, self);
            Count(tally.ByValue[0], r.Device, self);
            Count(tally.ByValue[1], r.PointerType, self);
            Count(tally.ByValue[2], r.Language, self);
            if (r.LatencyMs is { } ms)
            {
                if (!double.IsFinite(ms))
                {
                    _firstError[t] ??= (row, new ArgumentException("latencies must be finite numbers", "rows"));
                    return;
                }
                (self ? tally.SelfList : tally.OtherList).Add(ms);
            }
            if (_chanceOf[t] is { } column && r.Number(column) is { } chance)
            {
                if (chance is not (>= 0 and <= 1))
                {
                    _firstError[t] ??= (row, new ArgumentException(
                        $"participant {r.Participant}, task {r.Task}: the chance in column {column} is {chance}; a chance must lie between 0 and 1", "row"));
                    return;
                }
                tally.Chances.Add(chance);
                if (self) tally.ChanceK++;
            }
        }

        private int TaskIndex(string task)
        {
            if (_taskIndex.TryGetValue(task, out var t)) return t;
            _taskIndex[task] = t = _taskNames.Count;
            _taskNames.Add(task);
            _perTask.Add(new TaskTally());
            _chanceOf.Add(chanceColumns?.GetValueOrDefault(task) ?? chanceColumns?.FirstOrDefault(kv => string.Equals(kv.Key, task, StringComparison.OrdinalIgnoreCase)).Value);
            _distanceOf.Add(StepTypes.Task(task)?.Columns.FirstOrDefault(c => c.Role == OutcomeColumnRole.DistanceKm)?.Name);
            _firstError.Add(null);
            return t;
        }

        /// <summary>The tasks seen, in order of first appearance.</summary>
        public IReadOnlyList<string> TaskNames => _taskNames;

        /// <param name="tasks">Tasks to tally, in report order; rows of other tasks count as participants (and their distances) only.</param>
        /// <param name="participants">Participants numbered, at least (some may have had no row added).</param>
        public OutcomeTally Build(IReadOnlyList<string> tasks, int participants)
        {
            while (_completed.Count < participants) _completed.Add(false);
            // Of the tasks tallied, the first row that cannot be counted stops the tally, as it did row by row.
            var selected = tasks.Select(t => _taskIndex.TryGetValue(t, out var i) ? i : -1).ToArray();
            if (selected.Where(i => i >= 0).Select(i => _firstError[i]).OfType<(int Row, ArgumentException Error)>().OrderBy(e => e.Row).FirstOrDefault() is { Error: { } error })
                throw error;
            var perTask = selected.Select(i => i >= 0 ? _perTask[i] : new TaskTally()).ToArray();
            // A task named twice is one tally (found by its first position): sorted once.
            foreach (var tally in perTask.Distinct())
            {
                tally.SelfLatencies = Sorted(tally.SelfList);
                tally.OtherLatencies = Sorted(tally.OtherList);
                tally.SelfList.Clear();
                tally.OtherList.Clear();
            }
            var distinct = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < tasks.Count; i++) distinct.TryAdd(tasks[i], i);
            // Per task seen, its position among the tasks tallied (-1: not tallied).
            var position = _taskNames.Select(n => distinct.GetValueOrDefault(n, -1)).ToArray();
            var order = tasks.Count <= 1 ? tasks : _anyOrderMissing ? null : Order(tasks, position, _completed.Count);
            var funnel = new List<FunnelStage> { new("in outcome table", _completed.Count) };
            foreach (var task in order ?? tasks)
                funnel.Add(new($"{task}: first action", perTask[distinct[task]].FirstActions, InSequence: order is not null));
            funnel.Add(new("completed", _completed.Count(c => c)));
            return new OutcomeTally(tasks, perTask, _distances, funnel, order, _completed.Count);
        }

        /// <summary>
        /// The one order in which every participant met the tasks (their rows ordered by task_order, ties in row
        /// order); null when two participants met two tasks in opposite orders, or two tasks were never met by one participant.
        /// </summary>
        private IReadOnlyList<string>? Order(IReadOnlyList<string> tasks, int[] position, int participants)
        {
            // Rows grouped by participant without sorting: counts, then positions (a counting sort, row order kept within each).
            var start = new int[participants + 1];
            foreach (var p in _rowParticipant) start[p + 1]++;
            for (var p = 0; p < participants; p++) start[p + 1] += start[p];
            var next = (int[])start.Clone();
            var grouped = new int[_rowParticipant.Count];
            for (var i = 0; i < _rowParticipant.Count; i++) grouped[next[_rowParticipant[i]]++] = i;

            var before = new bool[tasks.Count, tasks.Count];
            var sequence = new List<int>();
            for (var p = 0; p < participants; p++)
            {
                sequence.Clear();
                for (var g = start[p]; g < start[p + 1]; g++) sequence.Add(grouped[g]);
                // Stable insertion sort by task_order: a participant has a handful of rows.
                for (var a = 1; a < sequence.Count; a++)
                    for (var b = a; b > 0 && _rowOrder[sequence[b - 1]] > _rowOrder[sequence[b]]; b--)
                        (sequence[b - 1], sequence[b]) = (sequence[b], sequence[b - 1]);
                for (var a = 0; a < sequence.Count; a++)
                    for (var b = a + 1; b < sequence.Count; b++)
                    {
                        // A task outside the tally (none for the report) still orders the ones inside it only among themselves.
                        var first = position[_rowTask[sequence[a]]];
                        var second = position[_rowTask[sequence[b]]];
                        if (first < 0 || second < 0) continue;
                        if (before[second, first]) return null;
                        before[first, second] = true;
                    }
            }
            // Consistent: sort by how many tasks come before each (a total order when every pair was seen together).
            var ranked = Enumerable.Range(0, tasks.Count).OrderBy(t => Enumerable.Range(0, tasks.Count).Count(u => before[u, t])).ToList();
            for (var i = 0; i + 1 < ranked.Count; i++)
                if (!before[ranked[i], ranked[i + 1]]) return null; // two tasks never met by one participant: order unknown
            return ranked.Select(t => tasks[t]).ToList();
        }
    }

    private static void Count(Dictionary<string, (int N, int K)> counts, string key, bool self)
    {
        ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
        count = (count.N + 1, count.K + (self ? 1 : 0));
    }

    private static double[] Sorted(List<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }
}
