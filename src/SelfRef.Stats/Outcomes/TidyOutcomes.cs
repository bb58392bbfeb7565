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

    public static TidyOutcomes Of(IReadOnlyList<OutcomeRow> rows)
    {
        var registered = StepTypes.Tasks.Select(t => t.Name).ToDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);
        var taskNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var conditionNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var respelled = new Dictionary<(string Column, string Written, string CountedAs), int>();
        var firstRow = new Dictionary<(string Participant, string Task), int>();
        Dictionary<(string Participant, string Task), List<int>>? leftOut = null;
        var kept = new List<OutcomeRow>(rows.Count);
        var changed = false;

        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var task = Canonical(taskNames, row.Task, registered);
            var condition = Canonical(conditionNames, row.Condition, null);
            if (task != row.Task) Count(respelled, ("task", row.Task, task));
            if (condition != row.Condition) Count(respelled, ("condition", row.Condition, condition));
            if (task != row.Task || condition != row.Condition)
            {
                row = row with { Task = task, Condition = condition };
                changed = true;
            }
            if (firstRow.TryAdd((row.Participant, task), i + 1))
                kept.Add(row);
            else
            {
                leftOut ??= [];
                var key = (row.Participant, task);
                if (!leftOut.TryGetValue(key, out var list)) leftOut[key] = list = [];
                list.Add(i + 1);
                changed = true;
            }
        }

        var duplicates = leftOut is null
            ? []
            : leftOut.Select(d => new DuplicateRows(d.Key.Participant, d.Key.Task, firstRow[d.Key], d.Value)).OrderBy(d => d.KeptRow).ToList();
        return new TidyOutcomes(changed ? kept : rows, duplicates,
            respelled.Select(r => new NameSpelling(r.Key.Column, r.Key.Written, r.Key.CountedAs, r.Value)).ToList());
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
