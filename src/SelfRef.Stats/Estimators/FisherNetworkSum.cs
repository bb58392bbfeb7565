namespace SelfRef.Stats.Estimators;

/// <summary>
/// Exact two-sided Fisher p for an r×c table by Mehta and Patel's network algorithm (1983; R's
/// FEXACT): the columns are placed one stage at a time; a node is the multiset of row totals
/// still open (tables that reach the same node have the same set of completions, whatever
/// order the rows are in), and each node keeps the distinct weights of the paths that reached
/// it, merged when equal. From each node, the total weight of all completions is a
/// multinomial coefficient, and bounds on the most and least probable completion settle whole
/// sets of paths at once, as in <see cref="FisherTwoRowSum"/>.
/// </summary>
/// <remarks>
/// Path weights are merged when they agree within 10⁻¹¹ (log units; R merges within 3.45·10⁻⁷),
/// which can misplace only tables whose probability is within that factor of the threshold.
/// The bounds on the completions are relaxations (each column alone, and each row alone, with
/// the other margin as caps), which are weaker than FEXACT's exact longest and shortest paths
/// but cheap and always on the safe side.
/// </remarks>
internal sealed class FisherNetworkSum
{
    private const double Margin = 1e-9;
    private const double MergeWidth = 1e-11;

    private readonly int[] _rows, _cols;
    private readonly double[] _lf;
    private readonly long[] _radix;
    private readonly double[] _suffixColumnLf;
    private readonly double _logTotal, _logObserved, _limit;
    private readonly long _maxEntries;
    private readonly Dictionary<long, Bounds>[] _bounds;
    private readonly FisherWork _work;
    private readonly TwoRowPaths? _paths;
    private readonly double[][]? _columnLogChoose, _massLogChoose;
    private double _skip;
    private ScaledProbabilitySum _sum = new(0);

    private readonly record struct Bounds(double Mass, double Longest, double Shortest);

    private sealed class Node
    {
        public readonly Dictionary<long, int> Index = new();
        public readonly List<double> Value = new();
        public readonly List<double> Weight = new(); // Σ over merged paths of exp(past) = Weight × exp(Value)
    }

    /// <param name="table">Rows ≤ columns, every row and column total positive. Columns are placed in ascending order of their totals.</param>
    public FisherNetworkSum(int[,] table, long budget, long maxEntries)
    {
        int r = table.GetLength(0), c = table.GetLength(1);
        var rows = new int[r];
        var cols = new int[c];
        for (var i = 0; i < r; i++)
            for (var j = 0; j < c; j++) { rows[i] += table[i, j]; cols[j] += table[i, j]; }
        var n = rows.Sum();
        _lf = LogFactorials(n);
        var order = Enumerable.Range(0, c).OrderBy(j => cols[j]).ToArray();
        _cols = order.Select(j => cols[j]).ToArray();
        _rows = rows.Order().ToArray();
        _radix = new long[r];
        long radix = 1;
        for (var i = 0; i < r; i++)
        {
            _radix[i] = radix;
            radix = checked(radix * (_rows[i] + 1)); // the caller catches overflow: too many nodes to key
        }
        _suffixColumnLf = new double[c + 1];
        for (var j = c - 1; j >= 0; j--) _suffixColumnLf[j] = _suffixColumnLf[j + 1] + _lf[_cols[j]];
        _logTotal = _lf[n] - _rows.Sum(x => _lf[x]);
        double observed = 0;
        for (var j = 0; j < c; j++)
        {
            observed += _lf[cols[j]];
            for (var i = 0; i < r; i++) observed -= _lf[table[i, j]];
        }
        if (r == 2)
        {
            // Two rows: every weight is a product of binomial coefficients, computed directly
            // (log C(c, x) from its ratios) rather than as differences of log-factorials of up to
            // N, which lose ten digits at N = 100,000.
            _columnLogChoose = _cols.Select(cj => LogChooseUpTo(cj, Math.Min(cj, _rows[0]))).ToArray();
            _massLogChoose = new double[c + 1][];
            for (var j = 0; j <= c; j++) _massLogChoose[j] = LogChooseUpTo(_cols.Skip(j).Sum(), _rows[0]);
            _logTotal = _massLogChoose[0][_rows[0]];
            observed = 0;
            for (var j = 0; j < c; j++)
            {
                // log C(c, x) = log C(c, c − x): the first row's cell or its complement, whichever is in range.
                var x = table[0, j] <= _rows[0] ? table[0, j] : table[1, j];
                observed += LogChoose(cols[j], x);
            }
        }
        _logObserved = observed;
        _limit = observed + Math.Log(1 + 1e-7);
        _maxEntries = maxEntries;
        _bounds = Enumerable.Range(0, c + 1).Select(_ => new Dictionary<long, Bounds>()).ToArray();
        _work = new FisherWork(budget);
        if (r == 2)
        {
            // Two rows: the exact longest and shortest paths instead of the relaxations. A node's
            // smaller open row plays the first row (the completions are symmetric in the rows).
            _paths = new TwoRowPaths(_columnLogChoose!, _cols, _rows[0], 0, _work);
        }
    }

    public double LogObservedProbability => _logObserved - _logTotal;

    /// <summary>The most (node, path weight) entries any stage held in the last run.</summary>
    public long PeakEntries { get; private set; }

    /// <param name="pGuess">Rough p that sets how far out paths count as negligible; the bound on what was left out is checked afterwards.</param>
    public ExactAttempt Run(double pGuess)
    {
        var floor = Math.Max(LogObservedProbability, Math.Log(Math.Max(pGuess, 1e-300)) - Math.Log(1e3));
        var skip = floor + _logTotal + Math.Log(1e-16) - Math.Log(1e8); // a constant: the steps depend on the table alone
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var result = RunOnce(skip);
            if (!result.Completed || result.SkippedBound <= 1e-13 || result.PValue >= 1) return result;
            skip -= Math.Log(result.SkippedBound / 1e-15);
        }
        return RunOnce(double.NegativeInfinity);
    }

    private ExactAttempt RunOnce(double skip)
    {
        _skip = skip;
        _sum = new ScaledProbabilitySum(_logObserved);
        try
        {
            var start = new Node();
            start.Index[0] = 0;
            start.Value.Add(0);
            start.Weight.Add(1);
            var stage = new Dictionary<long, Node> { [Key(_rows)] = start };
            for (var k = 0; k < _cols.Length - 1 && stage.Count > 0; k++) stage = Expand(stage, k);
        }
        catch (FisherBudgetExhausted)
        {
            return ExactAttempt.Exhausted(_work.Count);
        }
        return new ExactAttempt(true, _sum.Probability(_logTotal), _work.Count, _sum.LeftOutRelative);
    }

    /// <summary>Place column k from every node of stage k; returns the undecided paths of stage k + 1.</summary>
    private Dictionary<long, Node> Expand(Dictionary<long, Node> stage, int k)
    {
        var next = new Dictionary<long, Node>();
        long entries = 0;
        var r = _rows.Length;
        var open = new int[r];
        var child = new int[r];
        var terminal = k + 1 == _cols.Length - 1;
        foreach (var (key, node) in stage)
        {
            Decode(key, open);
            var logWeights = node.Weight.Select(w => Math.Log(w)).ToArray();
            foreach (var (y, multiplicity) in Allocations(open, _cols[k]))
            {
                Step();
                var contribution = _lf[_cols[k]];
                for (var i = 0; i < r; i++)
                {
                    contribution -= _lf[y[i]];
                    child[i] = open[i] - y[i];
                }
                if (_columnLogChoose is not null) contribution = _columnLogChoose[k][y[0]];
                Array.Sort(child);
                var childKey = Key(child);
                var b = BoundsOf(k + 1, childKey, child);
                var logMultiplicity = Math.Log(multiplicity);
                for (var e = 0; e < node.Value.Count; e++)
                {
                    Step();
                    var past = node.Value[e] + contribution;
                    var logWeight = logWeights[e] + logMultiplicity;
                    var mass = past + logWeight + b.Mass;
                    if (terminal)
                    {
                        // One completion left: the table is known and is decided exactly.
                        if (past + b.Mass <= _limit) _sum.Add(mass);
                        continue;
                    }
                    if (mass < _skip)
                    {
                        _sum.LeaveOut(mass);
                        continue;
                    }
                    if (past + b.Longest <= _limit - Margin) { _sum.Add(mass); continue; }
                    if (past + b.Shortest > _limit + Margin) continue;
                    if (!next.TryGetValue(childKey, out var target)) next[childKey] = target = new Node();
                    var bucket = (long)Math.Round(past / MergeWidth);
                    if (target.Index.TryGetValue(bucket, out var at))
                        target.Weight[at] += Math.Exp(logWeight + past - target.Value[at]);
                    else
                    {
                        target.Index[bucket] = target.Value.Count;
                        target.Value.Add(past);
                        target.Weight.Add(Math.Exp(logWeight));
                        if (++entries > _maxEntries) throw new FisherBudgetExhausted();
                        PeakEntries = Math.Max(PeakEntries, entries);
                    }
                }
            }
        }
        return next;
    }

    /// <summary>
    /// Every way to split <paramref name="total"/> over the open rows (y_i ≤ open_i). Rows with
    /// equal open totals are interchangeable, so only one order of their cells (non-increasing)
    /// is produced, with the number of distinct orders as its multiplicity.
    /// </summary>
    private static List<(int[] Cells, double Multiplicity)> Allocations(int[] open, int total)
    {
        var result = new List<(int[], double)>();
        var capacityAfter = new int[open.Length + 1];
        for (var i = open.Length - 1; i >= 0; i--) capacityAfter[i] = capacityAfter[i + 1] + open[i];
        var y = new int[open.Length];
        void Place(int i, int need)
        {
            if (i == open.Length)
            {
                if (need == 0) result.Add(((int[])y.Clone(), Multiplicity(open, y)));
                return;
            }
            var upper = Math.Min(open[i], need);
            if (i > 0 && open[i] == open[i - 1]) upper = Math.Min(upper, y[i - 1]);
            var lower = Math.Max(0, need - capacityAfter[i + 1]);
            for (var v = upper; v >= lower; v--)
            {
                y[i] = v;
                Place(i + 1, need - v);
            }
        }
        Place(0, total);
        return result;
    }

    /// <summary>Distinct orders of the cells within each group of equal open totals: Π g! / Π (run of equal cells)!.</summary>
    private static double Multiplicity(int[] open, int[] y)
    {
        double m = 1;
        var i = 0;
        while (i < open.Length)
        {
            var end = i;
            while (end + 1 < open.Length && open[end + 1] == open[i]) end++;
            var size = end - i + 1;
            if (size > 1)
            {
                m *= Factorial(size);
                var run = 1;
                for (var t = i + 1; t <= end; t++)
                {
                    if (y[t] == y[t - 1]) run++;
                    else { m /= Factorial(run); run = 1; }
                }
                m /= Factorial(run);
            }
            i = end + 1;
        }
        return m;
    }

    private static double Factorial(int k)
    {
        double f = 1;
        for (var t = 2; t <= k; t++) f *= t;
        return f;
    }

    private Bounds BoundsOf(int stage, long key, int[] open)
    {
        if (_bounds[stage].TryGetValue(key, out var b)) return b;
        var remaining = open.Sum();
        var mass = _lf[remaining];
        foreach (var x in open) mass -= _lf[x];
        if (_massLogChoose is not null) mass = _massLogChoose[stage][open[0]];
        if (stage == _cols.Length - 1)
            b = new Bounds(mass, mass, mass);
        else if (_paths is not null)
            b = new Bounds(mass, _paths.Longest(stage, open[0]), _paths.Shortest(stage, open[0]));
        else
        {
            var cols = _cols.AsSpan(stage);
            // Lower bounds on the smallest Σ log x! (→ longest path) and upper bounds on the largest (→ shortest path),
            // each from one margin with the other as caps; the better of the two relaxations.
            double spreadByColumns = 0, concentrateByColumns = 0, spreadByRows = 0, concentrateByRows = 0;
            foreach (var t in cols) { spreadByColumns += Spread(t, open); concentrateByColumns += Concentrate(t, open); }
            var colArray = cols.ToArray();
            foreach (var t in open) { spreadByRows += Spread(t, colArray); concentrateByRows += Concentrate(t, colArray); }
            var columnsPart = _suffixColumnLf[stage];
            b = new Bounds(mass,
                columnsPart - Math.Max(spreadByColumns, spreadByRows),
                columnsPart - Math.Min(concentrateByColumns, concentrateByRows));
        }
        _bounds[stage][key] = b;
        Step();
        return b;
    }

    /// <summary>min Σ log y_i! with Σ y_i = total, 0 ≤ y_i ≤ caps_i: as even as the caps allow (log x! is convex).</summary>
    private double Spread(int total, int[] caps)
    {
        var sorted = caps.Order().ToArray();
        var count = sorted.Length;
        double value = 0;
        var i = 0;
        while (i < sorted.Length && (long)sorted[i] * count <= total)
        {
            value += _lf[sorted[i]];
            total -= sorted[i];
            count--;
            i++;
        }
        if (count == 0) return value;
        int q = total / count, rem = total % count;
        return value + rem * _lf[q + 1] + (count - rem) * _lf[q];
    }

    /// <summary>max Σ log y_i! with Σ y_i = total, 0 ≤ y_i ≤ caps_i: fill the largest caps first.</summary>
    private double Concentrate(int total, int[] caps)
    {
        double value = 0;
        foreach (var cap in caps.OrderDescending())
        {
            if (total == 0) break;
            var take = Math.Min(cap, total);
            value += _lf[take];
            total -= take;
        }
        return value;
    }

    /// <summary>log k! for k = 0..n, summed with compensation so that log N! keeps its last digits.</summary>
    private static double[] LogFactorials(int n)
    {
        var lf = new double[n + 1];
        double sum = 0, compensation = 0;
        for (var k = 2; k <= n; k++)
        {
            var y = Math.Log(k) - compensation;
            var t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
            lf[k] = sum;
        }
        return lf;
    }

    /// <summary>log C(n, x) for x = 0..top (top ≤ n), from the ratios C(n, x)/C(n, x − 1) = (n − x + 1)/x.</summary>
    private static double[] LogChooseUpTo(int n, int top)
    {
        top = Math.Min(top, n);
        var a = new double[top + 1];
        double sum = 0, compensation = 0;
        for (var x = 1; x <= top; x++)
        {
            var y = Math.Log((n - x + 1) / (double)x) - compensation;
            var t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
            a[x] = sum;
        }
        return a;
    }

    private static double LogChoose(int n, int x) => LogChooseUpTo(n, Math.Min(x, n - x))[Math.Min(x, n - x)];

    private long Key(int[] sortedOpen)
    {
        long key = 0;
        for (var i = 0; i < sortedOpen.Length; i++) key += sortedOpen[i] * _radix[i];
        return key;
    }

    private void Decode(long key, int[] open)
    {
        for (var i = open.Length - 1; i >= 0; i--)
        {
            open[i] = (int)(key / _radix[i]);
            key %= _radix[i];
        }
    }

    // A network step (hash look-up, merge) takes about four times as long as a depth-first one: counted so.
    private const int StepWeight = 4;

    private void Step() => _work.Step(StepWeight);
}
