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

    /// <summary>Per row of <see cref="Rows"/>, its participant's number (0, 1, … in order of first appearance); shared with the tally so pseudonyms are hashed once.</summary>
    internal int[] ParticipantOfRow { get; init; } = [];
    /// <summary>Distinct participants of <see cref="Rows"/>.</summary>
    internal int ParticipantCount { get; init; }

    public static TidyOutcomes Of(IReadOnlyList<OutcomeRow> rows)
    {
        var registered = StepTypes.Tasks.Select(t => t.Name).ToDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);
        var taskNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var conditionNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var respelled = new Dictionary<(string Column, string Written, string CountedAs), int>();
        // Who has a row for which task, compactly: participants numbered once, each with a bit per task
        // (the first 64 tasks; any further in a set), instead of a set of (pseudonym, task) pairs.
        var participants = new Dictionary<string, int>(StringComparer.Ordinal);
        var taskIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new List<ulong>();
        HashSet<(int Participant, int Task)>? seenBeyond64 = null;
        Dictionary<(int Participant, int Task), List<int>>? leftOut = null;
        var kept = new List<OutcomeRow>(rows.Count);
        var participantOfRow = new List<int>(rows.Count);
        var changed = false;
        // Values read from a CSV are pooled: the same name usually arrives as the same string as the row before.
        (string? Written, string Canonical) lastTask = (null, ""), lastCondition = (null, "");

        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var task = ReferenceEquals(row.Task, lastTask.Written) ? lastTask.Canonical : Canonical(taskNames, row.Task, registered);
            var condition = ReferenceEquals(row.Condition, lastCondition.Written) ? lastCondition.Canonical : Canonical(conditionNames, row.Condition, null);
            (lastTask, lastCondition) = ((row.Task, task), (row.Condition, condition));
            if (task != row.Task) Count(respelled, ("task", row.Task, task));
            if (condition != row.Condition) Count(respelled, ("condition", row.Condition, condition));
            if (task != row.Task || condition != row.Condition)
            {
                row = row with { Task = task, Condition = condition };
                changed = true;
            }
            if (!participants.TryGetValue(row.Participant, out var p))
            {
                participants[row.Participant] = p = seen.Count;
                seen.Add(0);
            }
            if (!taskIds.TryGetValue(task, out var t)) taskIds[task] = t = taskIds.Count;
            bool first;
            if (t < 64)
            {
                first = (seen[p] & (1UL << t)) == 0;
                seen[p] |= 1UL << t;
            }
            else first = (seenBeyond64 ??= []).Add((p, t));
            if (first)
            {
                kept.Add(row);
                participantOfRow.Add(p);
            }
            else
            {
                leftOut ??= [];
                if (!leftOut.TryGetValue((p, t), out var list)) leftOut[(p, t)] = list = [];
                list.Add(i + 1);
                changed = true;
            }
        }

        var duplicates = new List<DuplicateRows>();
        if (leftOut is not null)
        {
            // The row kept for each repeated pair is its first: found again in one more pass, only when there are repeats.
            var names = participants.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
            var taskOf = taskIds.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
            var firstRow = new Dictionary<(int, int), int>();
            for (var i = 0; i < rows.Count && firstRow.Count < leftOut.Count; i++)
            {
                var key = (participants[rows[i].Participant], taskIds[taskNames[rows[i].Task]]);
                if (leftOut.ContainsKey(key)) firstRow.TryAdd(key, i + 1);
            }
            duplicates = leftOut.Select(d => new DuplicateRows(names[d.Key.Participant], taskOf[d.Key.Task], firstRow[d.Key], d.Value)).OrderBy(d => d.KeptRow).ToList();
        }
        return new TidyOutcomes(changed ? kept : rows, duplicates,
            respelled.Select(r => new NameSpelling(r.Key.Column, r.Key.Written, r.Key.CountedAs, r.Value)).ToList())
        {
            ParticipantOfRow = [.. participantOfRow],
            ParticipantCount = seen.Count,
        };
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
