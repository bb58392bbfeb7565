using System.Text.Json;

namespace SelfRef.Stats.Tests.ReferenceTests;

/// <summary>The values R computed in reference/reference.R, one JSON array per statistic.</summary>
internal static class ReferenceData
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "reference.json"))));

    public static IReadOnlyList<JsonElement> Cases(string statistic) =>
        Document.Value.RootElement.GetProperty(statistic).EnumerateArray().ToList();

    /// <summary>Theory rows: the case index plus a readable label, so a failing case names itself.</summary>
    public static TheoryData<int, string> Rows(string statistic, Func<JsonElement, string> label)
    {
        var data = new TheoryData<int, string>();
        var cases = Cases(statistic);
        for (var i = 0; i < cases.Count; i++) data.Add(i, label(cases[i]));
        return data;
    }

    public static double Number(this JsonElement e, string name)
    {
        var v = e.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.Null => double.NaN,
            JsonValueKind.String when v.GetString() == "Infinity" => double.PositiveInfinity,
            JsonValueKind.String when v.GetString() == "-Infinity" => double.NegativeInfinity,
            _ => v.GetDouble(),
        };
    }

    public static int Int(this JsonElement e, string name) => checked((int)e.GetProperty(name).GetDouble());

    public static double[] Numbers(this JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>A table as R wrote it, row by row.</summary>
    public static int[,] Table(this JsonElement e, string name)
    {
        var rows = e.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => (int)v.GetDouble()).ToArray()).ToArray();
        var t = new int[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) t[i, j] = rows[i][j];
        return t;
    }

    public static string Show(int[,] t) =>
        string.Join(" / ", Enumerable.Range(0, t.GetLength(0)).Select(i => string.Join(" ", Enumerable.Range(0, t.GetLength(1)).Select(j => t[i, j]))));
}
