namespace SelfRef.Stats.Estimators;

/// <summary>Counts the work steps of an exact Fisher sum against its budget (the feasibility rule).</summary>
internal sealed class FisherWork(long budget)
{
    public long Count { get; private set; }

    /// <param name="weight">Steps this one counts for: the network's steps (hash look-ups, merges) take several times as long as the depth-first sum's.</param>
    public void Step(int weight = 1)
    {
        Count += weight;
        if (Count > budget) throw new FisherBudgetExhausted();
    }
}

/// <summary>
/// The longest and shortest paths of the 2×K network (Mehta and Patel): the largest and smallest
/// log weight of any way to place <c>left</c> in the first row of columns j..K−1. A column's log
/// weight is log C(c, x) plus x·δ plus a constant (δ = 0 with log-factorials; log(p/q) with
/// binomial densities), concave in x, which makes both exact and cheap.
/// </summary>
internal sealed class TwoRowPaths
{
    private const int MaxExactShortestColumns = 16;

    private readonly double[][] _values;
    private readonly int[] _c, _cap;
    private readonly int _maxLeft;
    private readonly double _delta;
    private readonly double[] _suffixAtZero;
    private readonly FisherWork _work;
    private readonly double[]?[] _longest, _shortest;
    private readonly int[]?[][] _subsetSums;

    /// <param name="values">values[j][x]: column j's log weight with x in the first row, x = 0..min(c_j, maxLeft).</param>
    /// <param name="delta">values[j][x] − values[j][0] − log C(c_j, x) = x·δ for every column.</param>
    public TwoRowPaths(double[][] values, int[] columns, int maxLeft, double delta, FisherWork work)
    {
        _values = values;
        _c = columns;
        _maxLeft = maxLeft;
        _delta = delta;
        _work = work;
        var k = columns.Length;
        _cap = new int[k + 1];
        _suffixAtZero = new double[k + 1];
        for (var j = k - 1; j >= 0; j--)
        {
            _cap[j] = _cap[j + 1] + columns[j];
            _suffixAtZero[j] = _suffixAtZero[j + 1] + values[j][0];
        }
        _longest = new double[k][];
        _shortest = new double[k][];
        _subsetSums = new int[k][][];
    }

    /// <summary>
    /// The most probable placement: the weights are log-concave in each cell, so moving single
    /// units while that gains is optimal (largest gain ≤ smallest loss).
    /// </summary>
    public double Longest(int j, int left)
    {
        var memo = _longest[j] ??= NewMemo();
        ref var slot = ref memo[left];
        if (!double.IsNaN(slot)) return slot;
        var m = _c.Length - j;
        Span<int> x = m <= 64 ? stackalloc int[m] : new int[m];
        var placed = 0;
        for (var i = 0; i < m; i++)
        {
            x[i] = Math.Min((int)((long)left * _c[j + i] / _cap[j]), _values[j + i].Length - 1);
            placed += x[i];
        }
        while (true)
        {
            int up = -1, down = -1;
            double gain = double.NegativeInfinity, loss = double.PositiveInfinity;
            for (var i = 0; i < m; i++)
            {
                var t = _values[j + i];
                if (x[i] + 1 < t.Length)
                {
                    var g = t[x[i] + 1] - t[x[i]];
                    if (g > gain) { gain = g; up = i; }
                }
                if (x[i] > 0)
                {
                    var l = t[x[i]] - t[x[i] - 1];
                    if (l < loss) { loss = l; down = i; }
                }
            }
            _work.Step();
            if (placed < left) { x[up]++; placed++; }
            else if (up >= 0 && down >= 0 && up != down && gain > loss) { x[up]++; x[down]--; }
            else break;
        }
        double v = 0;
        for (var i = 0; i < m; i++) v += _values[j + i][x[i]];
        return slot = v;
    }

    /// <summary>
    /// The least probable placement. The weight is log-concave, so its minimum is at a vertex:
    /// every column empty or full but one free column f. Empty and full columns contribute their
    /// value at 0 plus c·δ, so the minimum is that common part plus the smallest log C(c_f, x) over
    /// the free cells x = left − (a subset sum of the other columns), i.e. the one closest to an
    /// end of its range. Beyond 16 open columns, the looser bound log C ≥ 0.
    /// </summary>
    public double Shortest(int j, int left)
    {
        var memo = _shortest[j] ??= NewMemo();
        ref var slot = ref memo[left];
        if (!double.IsNaN(slot)) return slot;
        var common = _suffixAtZero[j] + left * _delta;
        var m = _c.Length - j;
        var best = 0.0;
        if (m <= MaxExactShortestColumns)
        {
            var sums = _subsetSums[j] ??= SubsetSums(j);
            best = double.PositiveInfinity;
            for (var f = 0; f < m; f++)
            {
                var cf = _c[j + f];
                var s = sums[f]!;
                _work.Step();
                var hiIndex = UpperBound(s, left) - 1;     // largest S ≤ left: smallest free cell
                var loIndex = LowerBound(s, left - cf);    // smallest S ≥ left − c_f: largest free cell
                if (hiIndex < loIndex) continue;
                var t = _values[j + f];
                foreach (var x in (ReadOnlySpan<int>)[left - s[hiIndex], left - s[loIndex]])
                    if (x < t.Length) best = Math.Min(best, Math.Max(0, t[x] - t[0] - x * _delta));
            }
            if (double.IsPositiveInfinity(best)) best = 0;
        }
        // Rounding in the values is far below this; a lower bound must never come out too high.
        return slot = common + best - 1e-12 * (Math.Abs(common) + best);
    }

    private int[][] SubsetSums(int j)
    {
        var m = _c.Length - j;
        var result = new int[m][];
        for (var f = 0; f < m; f++)
        {
            var sums = new List<int> { 0 };
            for (var i = 0; i < m; i++)
            {
                if (i == f) continue;
                var c = _c[j + i];
                var count = sums.Count;
                for (var s = 0; s < count; s++) sums.Add(sums[s] + c);
            }
            result[f] = sums.Distinct().Order().ToArray();
        }
        return result;
    }

    private static int LowerBound(int[] a, int value)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (a[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(int[] a, int value)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (a[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private double[] NewMemo()
    {
        var a = new double[_maxLeft + 1];
        Array.Fill(a, double.NaN);
        return a;
    }
}
