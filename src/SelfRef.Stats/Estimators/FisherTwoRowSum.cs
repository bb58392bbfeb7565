using MathNet.Numerics;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// Exact two-sided Fisher p for a 2×K table: a depth-first walk over the first row's cells,
/// one column at a time, that settles whole subtrees (the columns still open) at once.
/// </summary>
/// <remarks>
/// A subtree is the set of tables that share the cells fixed so far. Its total probability is
/// one binomial density (Vandermonde's identity), and the most and least probable tables in it
/// are known exactly (<see cref="Longest"/>, <see cref="Shortest"/>: the longest and shortest
/// paths of Mehta and Patel's network). If even its most probable table is no more likely than
/// the observed one (× R's 1 + 10⁻⁷), its whole mass counts; if even its least probable table
/// is more likely, none of it does; otherwise the walk goes one column deeper. With two columns
/// left the remaining tables form a single unimodal sequence, whose two tails of tables no
/// more likely than the observed one are found by galloping from the sibling subtree's
/// boundaries and bisection, and summed from running sums cached per remaining total. Subtrees far out in
/// the tails are left out once negligible, and a bound on all that was left out is kept
/// (<see cref="ExactAttempt.SkippedBound"/>), so the result is exact to a stated relative error
/// (about 10⁻¹⁵) rather than by assumption.
/// All probabilities are products of binomial densities with p = R/N, computed by Loader's
/// method, which keeps about 15 significant digits even at N = 100,000.
/// </remarks>
internal sealed class FisherTwoRowSum
{
    // Whole-subtree decisions keep this distance (log units) from the threshold; tables closer than
    // that are decided one by one, so rounding in the bounds can never misplace a table.
    private const double Margin = 1e-9;

    private readonly int _k, _row;
    private readonly int[] _c, _cap;
    private readonly double[][] _lb;
    private readonly double _p, _q;
    private readonly double[]?[] _mass;
    private readonly TwoRowPaths _paths;
    private readonly double _logTotal, _logObserved, _limit;
    private readonly FisherWork _work;
    private double _skip;
    private ScaledProbabilitySum _sum = new(0);

    /// <param name="columns">Column totals, all positive, in the order the walk fixes them (the last two are summed in closed form).</param>
    /// <param name="row">Total of the first row: 0 &lt; row &lt; N.</param>
    /// <param name="observed">The first row of the observed table, in the same column order.</param>
    public FisherTwoRowSum(int[] columns, int row, int[] observed, long budget)
    {
        _k = columns.Length;
        _c = columns;
        _row = row;
        _cap = new int[_k + 1];
        for (var j = _k - 1; j >= 0; j--) _cap[j] = _cap[j + 1] + columns[j];
        var n = _cap[0];
        double p = _p = (double)row / n, q = _q = (double)(n - row) / n;
        _lb = new double[_k][];
        for (var j = 0; j < _k; j++)
        {
            var top = Math.Min(columns[j], row);
            var t = new double[top + 1];
            for (var x = 0; x <= top; x++) t[x] = BinomialLogDensity.Log(x, columns[j], p, q);
            _lb[j] = t;
        }
        _logTotal = BinomialLogDensity.Log(row, n, p, q);
        _logObserved = 0;
        for (var j = 0; j < _k; j++) _logObserved += _lb[j][observed[j]];
        _limit = _logObserved + Math.Log(1 + 1e-7);
        _mass = new double[_k][];
        _work = new FisherWork(budget);
        _paths = new TwoRowPaths(_lb, columns, row, Math.Log(p) - Math.Log(q), _work);
        _pairRuns = new PairRun?[row + 1];
    }

    /// <summary>log of the observed table's probability.</summary>
    public double LogObservedProbability => _logObserved - _logTotal;

    /// <param name="pGuess">A rough p (e.g. from chi-square) that only sets how far out the walk goes before it calls tables negligible; the bound on what it left out is checked afterwards either way.</param>
    public ExactAttempt Run(double pGuess)
    {
        var skip = InitialSkip(pGuess);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var result = RunOnce(skip);
            if (!result.Completed || result.SkippedBound <= 1e-13 || result.PValue >= 1) return result;
            skip -= Math.Log(result.SkippedBound / 1e-15); // too much left out for this p: go further out
        }
        return RunOnce(double.NegativeInfinity);
    }

    /// <summary>
    /// log weight below which a subtree is left out: 10⁻¹⁶ of a lower estimate of p, shared among
    /// up to 10⁸ subtrees (the walk leaves out at most two per step). A constant rather than the
    /// budget, so that the steps a table takes depend on the table alone.
    /// </summary>
    private double InitialSkip(double pGuess)
    {
        var floor = Math.Max(LogObservedProbability, Math.Log(Math.Max(pGuess, 1e-300)) - Math.Log(1e3));
        return floor + _logTotal + Math.Log(1e-16) - Math.Log(1e8);
    }

    /// <summary>
    /// Steps the walk will take, estimated before it starts from the normal approximation to
    /// the null distribution of the first row: log P ≈ log P(mode) − Q/2, with Q the quadratic
    /// form of the multivariate hypergeometric covariance. The subtrees left open at depth d are
    /// the lattice points of the ellipsoid Q ≤ 2 log(P(mode)/P(observed)) projected on the first
    /// d columns (volume V_d·r^d·Π s_i with s_i the conditional standard deviations), each
    /// walking its children out to the negligible radius z; at depth K − 2 each takes a few
    /// look-ups. Depends only on the table, never on time.
    /// </summary>
    public double EstimatedWork(double pGuess)
    {
        double logMode;
        try { logMode = Longest(0, _row); }
        catch (FisherBudgetExhausted) { return double.PositiveInfinity; }
        var r = Math.Sqrt(Math.Max(0, 2 * (logMode - _limit)));
        var z = Math.Max(r, Math.Sqrt(Math.Max(0, 2 * (logMode - InitialSkip(pGuess)))));
        var n = (double)_cap[0];
        double work = 0, product = 1, leftSd = 0;
        for (var d = 0; d <= _k - 2; d++)
        {
            // x_d given the earlier columns, at the expected left: hypergeometric (c_d of cap_d, left ≈ R·cap_d/N).
            var sd = HypergeometricSd(_cap[d], (double)_row * _cap[d] / n, _c[d]);
            var open = d == 0 ? 1 : Math.Max(1, Math.Pow(Math.PI, d / 2.0) / SpecialFunctions.Gamma(d / 2.0 + 1) * product);
            if (d < _k - 2)
            {
                // Children walked out to the negligible radius.
                work += open * (2 * z * sd + 1);
            }
            else
            {
                // About ten look-ups each (the mode, both ends, two boundaries found near the
                // sibling's, two cached tail sums), plus building the cached weights once per
                // distinct left: the left still open varies as the first K − 2 cells' sum does.
                var lefts = Math.Min(open, 2 * r * leftSd + 1);
                work += open * 10 + lefts * (2 * z * sd + 1);
            }
            product *= r * sd + 0.5;
            leftSd = HypergeometricSd(n, _row, n - _cap[d + 1]);
        }
        return work;
    }

    private ExactAttempt RunOnce(double skip)
    {
        _skip = skip;
        _sum = new ScaledProbabilitySum(_logObserved);
        try
        {
            if (_k == 2) Collapse(_row, 0);
            else Visit(0, _row, 0);
        }
        catch (FisherBudgetExhausted)
        {
            return ExactAttempt.Exhausted(_work.Count);
        }
        return new ExactAttempt(true, _sum.Probability(_logTotal), _work.Count, _sum.LeftOutRelative);
    }

    private enum Outcome { Negligible, AddedAll, Other }

    /// <summary>Fix column j to each value, from the most probable outwards, until the subtrees become negligible.</summary>
    private void Visit(int j, int left, double past)
    {
        var rest = _cap[j + 1];
        var lo = Math.Max(0, left - rest);
        var hi = Math.Min(_c[j], left);
        var mode = HypergeometricMode(_c[j], rest, left, lo, hi);
        for (var x = mode; x >= lo; x--)
        {
            var outcome = Child(j, left, past, x, down: true);
            if (outcome == Outcome.Negligible) break;
            if (outcome == Outcome.AddedAll && x > lo && AllFurtherOutCount(j, left, x, down: true))
            {
                SumTail(past + _lb[j][x - 1] + Mass(j + 1, left - x + 1), _c[j], rest, left, x - 1, lo, down: true);
                break;
            }
        }
        for (var x = mode + 1; x <= hi; x++)
        {
            var outcome = Child(j, left, past, x, down: false);
            if (outcome == Outcome.Negligible) break;
            if (outcome == Outcome.AddedAll && x < hi && AllFurtherOutCount(j, left, x, down: false))
            {
                SumTail(past + _lb[j][x + 1] + Mass(j + 1, left - x - 1), _c[j], rest, left, x + 1, hi, down: false);
                break;
            }
        }
    }

    /// <summary>
    /// Child x counted whole. The best table with column j at x, lb_j(x) + Longest(j + 1, left − x),
    /// is concave in x (a max-plus convolution of concave sequences), so if it does not rise on
    /// the next step out, it falls from here on, and every child further out counts whole too.
    /// </summary>
    private bool AllFurtherOutCount(int j, int left, int x, bool down)
    {
        var next = down ? x - 1 : x + 1;
        return _lb[j][next] + Longest(j + 1, left - next) <= _lb[j][x] + Longest(j + 1, left - x);
    }

    /// <returns>Negligible when this child is (and so, masses being unimodal, is every child further out).</returns>
    private Outcome Child(int j, int left, double past, int x, bool down)
    {
        Step();
        var childPast = past + _lb[j][x];
        var childLeft = left - x;
        var mass = childPast + Mass(j + 1, childLeft);
        if (mass < _skip)
        {
            // The children further out shrink at least geometrically (log-concave masses), by the
            // ratio at this one; everything left out in this direction is below mass / (1 − ratio).
            var rest = _cap[j + 1];
            var count = down ? x - Math.Max(0, left - rest) + 1 : Math.Min(_c[j], left) - x + 1;
            _sum.LeaveOut(mass, TailRatio(_c[j], rest, left, x, down), count);
            return Outcome.Negligible;
        }
        if (childPast + Longest(j + 1, childLeft) <= _limit - Margin)
        {
            _sum.Add(mass);
            return Outcome.AddedAll;
        }
        if (childPast + Shortest(j + 1, childLeft) > _limit + Margin) return Outcome.Other;
        if (j + 1 == _k - 2) Collapse(childLeft, childPast);
        else Visit(j + 1, childLeft, childPast);
        return Outcome.Other;
    }

    /// <summary>
    /// The last two columns share <paramref name="left"/>: x and left − x. Their weight is unimodal in x,
    /// so the tables no more likely than the observed one are two tails, found by bisection.
    /// </summary>
    private void Collapse(int left, double past)
    {
        int a = _k - 2, b = _k - 1;
        var lo = Math.Max(0, left - _c[b]);
        var hi = Math.Min(_c[a], left);
        var limit = _limit - past;
        var mode = HypergeometricMode(_c[a], _c[b], left, lo, hi);
        var atMode = Pair(left, mode);
        if (atMode <= limit)
        {
            // Even the most probable table counts: all do.
            _sum.Add(past + Mass(a, left));
            return;
        }

        // Below the mode the weight rises: the tables that count are lo..s.
        if (lo < mode && Pair(left, lo) <= limit)
        {
            var s = Boundary(left, limit, lo, mode, _hintBelow, rising: true);
            _hintBelow = s;
            PairTail(left, past, atMode, mode, s, down: true);
        }

        // Above the mode it falls: they are t..hi.
        if (mode < hi && Pair(left, hi) <= limit)
        {
            var t = Boundary(left, limit, mode, hi, _hintAbove, rising: false);
            _hintAbove = t;
            PairTail(left, past, atMode, mode, t, down: false);
        }
    }

    // Where the previous subtree's boundaries were: its sibling's are nearby (left differs by one).
    private int _hintBelow, _hintAbove;

    /// <summary>
    /// Rising: the last x in [from, to) with Pair ≤ limit, given Pair(from) ≤ limit &lt; Pair(to).
    /// Falling: the first x in (from, to] with Pair ≤ limit, given Pair(from) &gt; limit ≥ Pair(to).
    /// Gallops out from the hint, then bisects: a few steps when the hint is close.
    /// </summary>
    private int Boundary(int left, double limit, int from, int to, int hint, bool rising)
    {
        // Invariant: In(s) and !In(t) for rising (the answer is s); !In(s) and In(t) for falling (the answer is t).
        int s = from, t = to;
        if (hint > s && hint < t)
        {
            var inside = Pair(left, hint) <= limit;
            if (inside == rising)
            {
                // The boundary is at or beyond the hint, towards `to`.
                s = hint;
                for (var step = 1; s + step < t; step <<= 1)
                {
                    var probe = s + step;
                    if ((Pair(left, probe) <= limit) == rising) s = probe;
                    else { t = probe; break; }
                }
            }
            else
            {
                t = hint;
                for (var step = 1; t - step > s; step <<= 1)
                {
                    var probe = t - step;
                    if ((Pair(left, probe) <= limit) == rising) { s = probe; break; }
                    t = probe;
                }
            }
        }
        while (t - s > 1)
        {
            var mid = s + (t - s) / 2;
            if ((Pair(left, mid) <= limit) == rising) s = mid; else t = mid;
        }
        return rising ? s : t;
    }

    /// <summary>
    /// The last two columns' weights for one <c>left</c>, relative to their mode, with running sums
    /// from both ends: a tail then costs one look-up instead of a walk. Many subtrees end with the
    /// same <c>left</c>, so the sums are kept (up to <see cref="MaxCachedWeights"/> numbers).
    /// </summary>
    private sealed class PairRun
    {
        public int Lo, Hi, Mode;
        public double Anchor;          // log weight at the mode
        public double Floor;           // relative weights down to exp(Floor) are covered
        public double[] Below = [];    // Below[y − Lo] = Σ_{Lo ≤ i ≤ y} w_i
        public double[] Above = [];    // Above[y − Lo] = Σ_{y ≤ i ≤ Hi} w_i
    }

    private const int MaxCachedWeights = 4_000_000;
    private readonly PairRun?[] _pairRuns;
    private int _cachedWeights;

    /// <summary>Adds the weight of the last two columns' tail beyond <paramref name="inner"/> (down: x ≤ inner; up: x ≥ inner).</summary>
    private void PairTail(int left, double past, double atMode, int mode, int inner, bool down)
    {
        int ca = _c[_k - 2], cb = _c[_k - 1];
        var run = _pairRuns[left] ??= new PairRun { Floor = double.PositiveInfinity };
        // Relative weights below this are negligible for this subtree.
        var needed = _skip - past - atMode;
        if (needed < run.Floor) BuildPairRun(run, left, mode, atMode, needed - 10);
        var logUnit = past + run.Anchor;
        _sum.Rescale(logUnit);
        var unit = Math.Exp(logUnit - _sum.Scale);
        double sum;
        if (down)
        {
            var lo = Math.Max(0, left - cb);
            sum = inner >= run.Lo ? run.Below[Math.Min(inner, run.Hi) - run.Lo] : 0;
            if (run.Lo > lo)
            {
                var edge = run.Below[0] * TailRatio(ca, cb, left, run.Lo, true);
                _sum.LeaveOutRelative(edge * unit, TailRatio(ca, cb, left, run.Lo - 1, true), run.Lo - lo);
            }
        }
        else
        {
            var hi = Math.Min(ca, left);
            sum = inner <= run.Hi ? run.Above[Math.Max(inner, run.Lo) - run.Lo] : 0;
            if (run.Hi < hi)
            {
                var edge = run.Above[run.Hi - run.Lo] * TailRatio(ca, cb, left, run.Hi, false);
                _sum.LeaveOutRelative(edge * unit, TailRatio(ca, cb, left, run.Hi + 1, false), hi - run.Hi);
            }
        }
        Step();
        _sum.AddRelative(sum * unit);
    }

    private void BuildPairRun(PairRun run, int left, int mode, double atMode, double floor)
    {
        int ca = _c[_k - 2], cb = _c[_k - 1];
        var lo = Math.Max(0, left - cb);
        var hi = Math.Min(ca, left);
        var minimum = floor < -700 ? 0 : Math.Exp(floor);
        var weights = new List<double>();
        var start = mode;
        for (double w = 1; start > lo;)
        {
            w *= TailRatio(ca, cb, left, start, true);
            Step();
            if (w <= minimum) break;
            weights.Add(w);
            start--;
        }
        weights.Reverse();
        weights.Add(1);
        var end = mode;
        for (double w = 1; end < hi;)
        {
            w *= TailRatio(ca, cb, left, end, false);
            Step();
            if (w <= minimum) break;
            weights.Add(w);
            end++;
        }
        if (_cachedWeights > MaxCachedWeights)
        {
            Array.Clear(_pairRuns);
            _pairRuns[left] = run;
            _cachedWeights = 0;
        }
        _cachedWeights += 2 * weights.Count - run.Below.Length - run.Above.Length;
        var below = new double[weights.Count];
        var above = new double[weights.Count];
        // Each running sum adds from its outer end inwards: small terms first, so the tails keep their digits.
        double acc = 0;
        for (var i = 0; i < weights.Count; i++) below[i] = acc += weights[i];
        acc = 0;
        for (var i = weights.Count - 1; i >= 0; i--) above[i] = acc += weights[i];
        run.Lo = start;
        run.Hi = end;
        run.Mode = mode;
        run.Anchor = atMode;
        run.Floor = floor;
        run.Below = below;
        run.Above = above;
    }

    private double Pair(int left, int x)
    {
        Step();
        return _lb[_k - 2][x] + _lb[_k - 1][left - x];
    }

    /// <summary>
    /// Σ of a run of weights from <paramref name="from"/> outwards to <paramref name="end"/>, until
    /// negligible; the weights are hypergeometric in x (x of <paramref name="first"/>, left − x of
    /// <paramref name="rest"/>), so each follows from the last by a rational ratio.
    /// </summary>
    private void SumTail(double logFirst, int first, int rest, int left, int from, int end, bool down)
    {
        if (logFirst < _skip)
        {
            _sum.LeaveOut(logFirst, TailRatio(first, rest, left, from, down), Math.Abs(end - from) + 1);
            return;
        }
        _sum.Rescale(logFirst);
        var term = Math.Exp(logFirst - _sum.Scale);
        var floor = Math.Exp(_skip - _sum.Scale);
        double sum = 0;
        var x = from;
        while (true)
        {
            sum += term;
            if (x == end) break;
            var ratio = TailRatio(first, rest, left, x, down);
            x += down ? -1 : 1;
            term *= ratio;
            Step();
            if (term < floor)
            {
                _sum.LeaveOutRelative(term, TailRatio(first, rest, left, x, down), Math.Abs(end - x) + 1);
                break;
            }
        }
        _sum.AddRelative(sum);
    }

    /// <summary>C(first, x′)·C(rest, left − x′) / C(first, x)·C(rest, left − x) for the neighbour x′ = x ∓ 1 further out.</summary>
    private static double TailRatio(int first, int rest, int left, int x, bool down) => down
        ? x * (double)(rest - left + x) / ((first - x + 1.0) * (left - x + 1.0))
        : (first - x) * (double)(left - x) / ((x + 1.0) * (rest - left + x + 1.0));

    private static double HypergeometricSd(double population, double successes, double draws) =>
        population > 1
            ? Math.Sqrt(draws * (successes / population) * (1 - successes / population) * (population - draws) / (population - 1))
            : 0;

    private static int HypergeometricMode(int first, int rest, int draws, int lo, int hi) =>
        Math.Clamp((int)Math.Floor((draws + 1.0) * (first + 1.0) / (first + rest + 2.0)), lo, hi);

    /// <summary>log of the total weight of a subtree: Σ over the open columns' cells = dbinom(left; Σ c, p) (Vandermonde).</summary>
    private double Mass(int j, int left)
    {
        var memo = _mass[j] ??= NewMemo();
        ref var slot = ref memo[left];
        if (double.IsNaN(slot)) slot = BinomialLogDensity.Log(left, _cap[j], _p, _q);
        return slot;
    }

    private double[] NewMemo()
    {
        var a = new double[_row + 1];
        Array.Fill(a, double.NaN);
        return a;
    }

    private void Step() => _work.Step();

    private double Longest(int j, int left) => _paths.Longest(j, left);

    private double Shortest(int j, int left) => _paths.Shortest(j, left);

}
