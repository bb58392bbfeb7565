namespace SelfRef.Stats.Estimators;

/// <summary>
/// A 2×K table of self-referential (row 0) and other (row 1) first actions per condition level.
/// </summary>
public sealed record ContingencyTable(IReadOnlyList<string> Levels, IReadOnlyList<int> Successes, IReadOnlyList<int> Totals)
{
    public int[,] ToMatrix()
    {
        var m = new int[2, Levels.Count];
        for (var j = 0; j < Levels.Count; j++)
        {
            m[0, j] = Successes[j];
            m[1, j] = Totals[j] - Successes[j];
        }
        return m;
    }

    public static ContingencyTable FromMatrix(int[,] counts, IReadOnlyList<string>? levels = null)
    {
        if (counts.GetLength(0) != 2) throw new ArgumentException("needs exactly two rows (self-referential, other)", nameof(counts));
        var k = counts.GetLength(1);
        var names = levels ?? Enumerable.Range(1, k).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new ContingencyTable(names,
            Enumerable.Range(0, k).Select(j => counts[0, j]).ToList(),
            Enumerable.Range(0, k).Select(j => counts[0, j] + counts[1, j]).ToList());
    }
}
