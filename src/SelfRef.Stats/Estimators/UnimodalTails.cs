using MathNet.Numerics.Distributions;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// The tails of a count's distribution and R's two-sided exact p-value (<c>binom.test</c>'s rule): the probability of all outcomes on the
/// other side of the mean that are no more likely than the observed one (with R's relative fuzz
/// of 1e-7, so that outcomes equal in exact arithmetic count as ties), plus the tail on the
/// observed side. Holds for any distribution of a count whose mass rises up to the mean and falls
/// after it (its mode within one of the mean): the binomial and the Poisson-binomial (Darroch 1964).
/// Works on a probability mass array so that the power search can reuse one array for every x.
/// </summary>
internal sealed class UnimodalTails
{
    private const double RelErr = 1 + 1e-7;
    private readonly double[] _d;
    private readonly double[] _prefix; // _prefix[i] = sum of _d[0..i-1]
    private readonly double[] _suffix; // _suffix[i] = sum of _d[i..n]
    private readonly double _mean;
    private readonly int _n;

    /// <param name="pmf">P(X = 0..n).</param>
    /// <param name="mean">E[X]: n·p0 for the binomial (as R computes it), Σ p_i for the Poisson-binomial.</param>
    public UnimodalTails(double[] pmf, double mean)
    {
        _d = pmf;
        _n = pmf.Length - 1;
        _mean = mean;
        _prefix = new double[_n + 2];
        var sum = new CompensatedSum();
        for (var i = 0; i <= _n; i++) _prefix[i + 1] = sum.Add(_d[i]);
        _suffix = new double[_n + 2];
        sum = new CompensatedSum();
        for (var i = _n; i >= 0; i--) _suffix[i] = sum.Add(_d[i]);
    }

    public static double[] BinomialPmf(int n, double p)
    {
        var d = new double[n + 1];
        if (p == 0) d[0] = 1;
        else if (p == 1) d[n] = 1;
        else for (var k = 0; k <= n; k++) d[k] = Binomial.PMF(p, n, k);
        return d;
    }

    /// <summary>P(X ≤ x), summed from the lower end so that a small tail keeps its relative precision.</summary>
    public double AtMost(int x) => x < 0 ? 0 : Math.Min(1, _prefix[Math.Min(x, _n) + 1]);

    /// <summary>P(X ≥ x), summed from the upper end.</summary>
    public double AtLeast(int x) => x > _n ? 0 : Math.Min(1, _suffix[Math.Max(x, 0)]);

    public double PValue(int x)
    {
        if (x == _mean) return 1;
        var limit = _d[x] * RelErr;
        double p;
        if (x < _mean)
        {
            // Above the mean the mass strictly decreases, so the outcomes no more likely
            // than x form a tail [first, n].
            var first = FirstAtOrBelow((int)Math.Ceiling(_mean), _n, limit, decreasing: true);
            p = _prefix[x + 1] + _suffix[first];
        }
        else
        {
            // Below the mean the mass strictly increases, so they form a head [0, end).
            var end = FirstAtOrBelow(0, (int)Math.Floor(_mean), limit, decreasing: false);
            p = _prefix[end] + _suffix[x];
        }
        return Math.Min(1, p);
    }

    /// <summary>
    /// For decreasing mass: the first index in [lo, hi] whose mass is at most limit (hi + 1 if none).
    /// For increasing mass: one past the last index in [lo, hi] whose mass is at most limit.
    /// </summary>
    private int FirstAtOrBelow(int lo, int hi, double limit, bool decreasing)
    {
        int a = lo, b = hi + 1;
        while (a < b)
        {
            var mid = (a + b) / 2;
            var atOrBelow = _d[mid] <= limit;
            if (decreasing == atOrBelow) b = mid; else a = mid + 1;
        }
        return a;
    }
}
