using MathNet.Numerics.Distributions;

namespace SelfRef.Stats.Estimators;

/// <summary>
/// R's two-sided exact binomial p-value: the probability of all outcomes on the other
/// side of n·p0 that are no more likely than the observed one (with R's relative fuzz
/// of 1e-7, so that outcomes equal in exact arithmetic count as ties), plus the tail on
/// the observed side. Works on a probability mass array so that the power search can
/// reuse one array for every x.
/// </summary>
internal sealed class BinomialTwoSided
{
    private const double RelErr = 1 + 1e-7;
    private readonly double[] _d;
    private readonly double[] _prefix; // _prefix[i] = sum of _d[0..i-1]
    private readonly double[] _suffix; // _suffix[i] = sum of _d[i..n]
    private readonly double _mean;
    private readonly int _n;

    public BinomialTwoSided(double[] pmf, double p0)
    {
        _d = pmf;
        _n = pmf.Length - 1;
        _mean = _n * p0;
        _prefix = new double[_n + 2];
        for (var i = 0; i <= _n; i++) _prefix[i + 1] = _prefix[i] + _d[i];
        _suffix = new double[_n + 2];
        for (var i = _n; i >= 0; i--) _suffix[i] = _suffix[i + 1] + _d[i];
    }

    public static double[] Pmf(int n, double p)
    {
        var d = new double[n + 1];
        if (p == 0) d[0] = 1;
        else if (p == 1) d[n] = 1;
        else for (var k = 0; k <= n; k++) d[k] = Binomial.PMF(p, n, k);
        return d;
    }

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
