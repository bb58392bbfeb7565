using System.Globalization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Web.Researcher;

/// <summary>How a task's own outcome columns show in the researcher's tables: each by its declared name and unit, never the identifying ones.</summary>
public static class OutcomeCells
{
    public static string Measures(OutcomeRow row) => StepTypes.Task(row.Task) is not { } type ? "" : string.Join("; ",
        type.Columns.Where(c => !c.Identifying && row.Columns.GetValueOrDefault(c.Name) is not null)
            .Select(c => $"{c.Name.Replace('_', ' ')} {Value(row, c)}{(c.Unit is "" ? "" : " " + c.Unit)}"));

    // Three digits where they matter: a distance of 412 km, 3.5 km, a chance of 0.077 (one decimal would show 0.1).
    private static string Value(OutcomeRow row, OutcomeColumn column) =>
        column.Kind == OutcomeColumnKind.Number && row.Number(column.Name) is { } number
            ? number.ToString(Math.Abs(number) switch { >= 100 => "0", >= 1 => "0.0", _ => "0.###" }, CultureInfo.InvariantCulture)
            : row.Columns[column.Name] ?? "";
}
