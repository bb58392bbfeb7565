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
    /// <param name="participantOfRow">Per row its participant's number (0 … count − 1), when already known (<see cref="TidyOutcomes.ParticipantOfRow"/>); otherwise numbered here.</param>
    public static OutcomeTally Of(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, IReadOnlyDictionary<string, string>? chanceColumns = null,
        int[]? participantOfRow = null, int participantCount = 0)
    {
        if (participantOfRow is not null && participantOfRow.Length != rows.Count)
            throw new ArgumentException("one participant number per row", nameof(participantOfRow));
        var taskIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var t = 0; t < tasks.Count; t++) taskIndex.TryAdd(tasks[t], t);
        var perTask = tasks.Select(_ => new TaskTally()).ToArray();
        var chanceOf = tasks.Select(t => chanceColumns?.GetValueOrDefault(t) ?? chanceColumns?.FirstOrDefault(kv => string.Equals(kv.Key, t, StringComparison.OrdinalIgnoreCase)).Value).ToArray();
        var distanceColumns = new Dictionary<string, string?>(StringComparer.Ordinal);
        var distances = new List<double>();

        // Per participant: their number, whether any row says completed, and per task the row's position and task_order.
        var participantOf = participantOfRow is null ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
        var completed = new List<bool>(participantOfRow is null ? 0 : participantCount);
        if (participantOfRow is not null) for (var p = 0; p < participantCount; p++) completed.Add(false);
        var rowParticipant = participantOfRow ?? new int[rows.Count];
        var anyOrderMissing = false;
        string? lastTask = null;
        var lastIndex = -1;

        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            int p;
            if (participantOf is null) p = rowParticipant[i];
            else if (!participantOf.TryGetValue(r.Participant, out p))
            {
                participantOf[r.Participant] = p = completed.Count;
                completed.Add(false);
            }
            rowParticipant[i] = p;
            if (r.Completed) completed[p] = true;
            if (r.TaskOrder is null) anyOrderMissing = true;

            if (!distanceColumns.TryGetValue(r.Task, out var distanceColumn))
                distanceColumns[r.Task] = distanceColumn = StepTypes.Task(r.Task)?.Columns.FirstOrDefault(c => c.Role == OutcomeColumnRole.DistanceKm)?.Name;
            if (distanceColumn is not null && r.Number(distanceColumn) is { } km) distances.Add(km);

            // Rows of one task mostly come in runs or alternate: a reference check before the dictionary.
            var t = ReferenceEquals(r.Task, lastTask) ? lastIndex : taskIndex.GetValueOrDefault(r.Task, -1);
            (lastTask, lastIndex) = (r.Task, t);
            if (t < 0) continue;
            var tally = perTask[t];
            if (r.MatchDetail is not null && CodeConsensus.CodersIn(r.MatchDetail) is { } coders)
                tally.CodersPerAnswer[coders] = tally.CodersPerAnswer.GetValueOrDefault(coders) + 1;
            if (r.SelfReference is not { } self)
            {
                var reason = r.MissingReason ?? "unknown";
                tally.Missing[reason] = tally.Missing.GetValueOrDefault(reason) + 1;
                if (r.LatencyMs is not null) tally.LatencyUnclassified++;
                continue;
            }
            tally.N++;
            if (self) tally.K++;
            Count(tally.Levels, r.Condition, self);
            Count(tally.ByValue[0], r.Device, self);
            Count(tally.ByValue[1], r.PointerType, self);
            Count(tally.ByValue[2], r.Language, self);
            if (r.LatencyMs is { } ms)
            {
                if (!double.IsFinite(ms)) throw new ArgumentException("latencies must be finite numbers", nameof(rows));
                (self ? tally.SelfList : tally.OtherList).Add(ms);
            }
            if (chanceOf[t] is { } column && ChanceOf(r, column) is { } chance)
            {
                tally.Chances.Add(chance);
                if (self) tally.ChanceK++;
            }
        }

        // Participants (not rows: a table that was not tidied may repeat one) with a first action, per task.
        var firstAction = new System.Collections.BitArray(completed.Count * tasks.Count);
        for (var i = 0; i < rows.Count; i++)
            if ((rows[i].SelfReference is not null || rows[i].LatencyMs is not null) && taskIndex.TryGetValue(rows[i].Task, out var t)
                && !firstAction[rowParticipant[i] * tasks.Count + t])
            {
                firstAction[rowParticipant[i] * tasks.Count + t] = true;
                perTask[t].FirstActions++;
            }

        foreach (var tally in perTask)
        {
            tally.SelfLatencies = Sorted(tally.SelfList);
            tally.OtherLatencies = Sorted(tally.OtherList);
            tally.SelfList.Clear();
            tally.OtherList.Clear();
        }

        var order = tasks.Count <= 1 ? tasks : anyOrderMissing ? null : Order(rows, tasks, taskIndex, rowParticipant, completed.Count);
        var funnel = new List<FunnelStage> { new("in outcome table", completed.Count) };
        foreach (var task in order ?? tasks)
            funnel.Add(new($"{task}: first action", perTask[taskIndex[task]].FirstActions, InSequence: order is not null));
        funnel.Add(new("completed", completed.Count(c => c)));
        return new OutcomeTally(tasks, perTask, distances, funnel, order, completed.Count);
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

    private static double? ChanceOf(OutcomeRow row, string column) => row.Number(column) switch
    {
        null => null,
        >= 0 and <= 1 and var chance => chance,
        var other => throw new ArgumentException(
            $"participant {row.Participant}, task {row.Task}: the chance in column {column} is {other}; a chance must lie between 0 and 1", nameof(row)),
    };

    /// <summary>
    /// The one order in which every participant met the tasks (their rows ordered by task_order, ties in row
    /// order); null when two participants met two tasks in opposite orders, or two tasks were never met by one participant.
    /// </summary>
    private static IReadOnlyList<string>? Order(IReadOnlyList<OutcomeRow> rows, IReadOnlyList<string> tasks, Dictionary<string, int> taskIndex, int[] rowParticipant, int participants)
    {
        // Rows grouped by participant without sorting: counts, then positions (a counting sort, row order kept within each).
        var start = new int[participants + 1];
        foreach (var p in rowParticipant) start[p + 1]++;
        for (var p = 0; p < participants; p++) start[p + 1] += start[p];
        var next = (int[])start.Clone();
        var grouped = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++) grouped[next[rowParticipant[i]]++] = i;

        var before = new bool[tasks.Count, tasks.Count];
        var sequence = new List<int>();
        for (var p = 0; p < participants; p++)
        {
            sequence.Clear();
            for (var g = start[p]; g < start[p + 1]; g++) sequence.Add(grouped[g]);
            // Stable insertion sort by task_order: a participant has a handful of rows.
            for (var a = 1; a < sequence.Count; a++)
                for (var b = a; b > 0 && rows[sequence[b - 1]].TaskOrder > rows[sequence[b]].TaskOrder; b--)
                    (sequence[b - 1], sequence[b]) = (sequence[b], sequence[b - 1]);
            for (var a = 0; a < sequence.Count; a++)
                for (var b = a + 1; b < sequence.Count; b++)
                {
                    // A task outside the tally (none for the report) still orders the ones inside it only among themselves.
                    if (!taskIndex.TryGetValue(rows[sequence[a]].Task, out var first) || !taskIndex.TryGetValue(rows[sequence[b]].Task, out var second)) continue;
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
