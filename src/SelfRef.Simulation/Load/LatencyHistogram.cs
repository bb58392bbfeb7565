namespace SelfRef.Simulation.Load;

/// <summary>
/// Latencies (ms) counted in buckets 1 % wide: a ten-minute run with tens of millions of
/// acknowledgements keeps a few kilobytes instead of a list. Quantiles are the upper edge of
/// their bucket (at most 1 % above the exact value, and never above the maximum); count, mean
/// and maximum are exact. Safe to fill from many threads.
/// </summary>
public sealed class LatencyHistogram
{
    private const double Smallest = 0.01;
    private static readonly double Growth = Math.Log(1.01);
    // 0.01 ms × 1.01^2500 ≈ 6.6·10⁸ ms: every latency a bounded run can see.
    private readonly long[] _counts = new long[2500];
    private readonly Lock _lock = new();
    private long _count;
    private double _sum, _max;

    public void Add(double ms)
    {
        if (!double.IsFinite(ms) || ms < 0) throw new ArgumentOutOfRangeException(nameof(ms), ms, "a latency is a finite number of milliseconds, 0 or more");
        var bucket = ms <= Smallest ? 0 : Math.Min(_counts.Length - 1, (int)Math.Ceiling(Math.Log(ms / Smallest) / Growth));
        lock (_lock)
        {
            _counts[bucket]++;
            _count++;
            _sum += ms;
            if (ms > _max) _max = ms;
        }
    }

    public LatencySummary Summary()
    {
        lock (_lock)
        {
            if (_count == 0) return LatencySummary.Empty;
            return new LatencySummary((int)Math.Min(int.MaxValue, _count), _sum / _count, Quantile(0.50), Quantile(0.90), Quantile(0.99), _max);
        }
    }

    /// <summary>Nearest rank, as <see cref="LatencySummary.Quantile"/>: the upper edge of the bucket holding that rank.</summary>
    private double Quantile(double q)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(q * _count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(_max, Smallest * Math.Exp(i * Growth));
        }
        return _max;
    }
}
