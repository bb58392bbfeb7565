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

    [Theory]
    [InlineData("pause scale", 1.5, 0.1, 0.05)]
    [InlineData("second-tab share", 1, -0.1, 0.05)]
    [InlineData("reload share", 1, 0.1, 2)]
    public void Browser_shaped_runs_refuse_shares_outside_0_to_1_and_name_them(string named, double pauses, double secondTab, double reload)
    {
        var options = new BrowserLoadOptions { BaseUrl = new Uri("http://127.0.0.1:1"), PauseScale = pauses, SecondTabShare = secondTab, ReloadShare = reload };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Browser_shaped_runs_refuse_a_server_that_is_not_on_this_machine_and_withdrawals_more_often_than_every_tenth_of_a_second()
    {
        Assert.Throws<ArgumentException>(new BrowserLoadOptions { BaseUrl = new Uri("http://example.org") }.Validate);
        Assert.Throws<ArgumentException>(new BrowserLoadOptions { BaseUrl = new Uri("http://127.0.0.1:1"), WithdrawEvery = TimeSpan.FromMilliseconds(10) }.Validate);
        new BrowserLoadOptions { BaseUrl = new Uri("http://127.0.0.1:1"), WithdrawEvery = null }.Validate();
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
