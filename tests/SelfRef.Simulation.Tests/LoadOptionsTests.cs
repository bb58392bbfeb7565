using SelfRef.Simulation.Load;

namespace SelfRef.Simulation.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void Refuses_a_server_that_is_not_on_this_machine()
    {
        var options = new LoadOptions { BaseUrl = new Uri("http://example.org") };
        Assert.Throws<ArgumentException>(options.Validate);
        Assert.Throws<ArgumentException>(() => new LoadOptions { BaseUrl = new Uri("http://127.0.0.1:1"), Clients = 0 }.Validate());
        new LoadOptions { BaseUrl = new Uri("http://localhost:1") }.Validate();
        new LoadOptions { BaseUrl = new Uri("http://[::1]:1") }.Validate();
    }

    [Fact]
    public void Quantiles_are_nearest_rank()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList());
        Assert.Equal(50, summary.P50);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.Max);
        Assert.Equal(LatencySummary.Empty, LatencySummary.Of([]));
    }
}
