using SelfRef.Simulation.Load;

namespace SelfRef.Simulation.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Quantiles_lie_within_one_percent_above_the_exact_nearest_rank_and_count_mean_and_maximum_are_exact()
    {
        var histogram = new LatencyHistogram();
        var values = Enumerable.Range(1, 10_000).Select(i => i * 0.37).ToList();
        Parallel.ForEach(values, histogram.Add);
        var exact = LatencySummary.Of([.. values]);

        var summary = histogram.Summary();

        Assert.Equal(exact.Count, summary.Count);
        Assert.Equal(exact.Mean, summary.Mean, 6);
        Assert.Equal(exact.Max, summary.Max);
        foreach (var (got, want) in new[] { (summary.P50, exact.P50), (summary.P90, exact.P90), (summary.P99, exact.P99) })
            Assert.InRange(got, want, want * 1.01);
    }

    [Fact]
    public void An_empty_histogram_summarises_as_empty_and_a_negative_latency_is_refused()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(LatencySummary.Empty, histogram.Summary());
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(double.NaN));
    }

    [Fact]
    public void Latencies_below_the_smallest_bucket_and_far_above_the_largest_still_count()
    {
        var histogram = new LatencyHistogram();
        histogram.Add(0);
        histogram.Add(1e12);
        var summary = histogram.Summary();
        Assert.Equal(2, summary.Count);
        Assert.Equal(1e12, summary.Max);
        Assert.InRange(summary.P50, 0, 0.01);
    }
}
