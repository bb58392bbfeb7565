using SelfRef.Web.Participant;

namespace SelfRef.Fault.Tests;

/// <summary>The per-connection call budget that holds a flooding client back, on a clock the test moves.</summary>
public sealed class CallThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void A_burst_within_the_budget_waits_for_nothing_and_each_call_beyond_it_waits_one_share_more()
    {
        var clock = new ManualClock();
        var throttle = new CallThrottle(clock, perSecond: 100, burst: 100);

        for (var i = 0; i < 100; i++) Assert.Equal(TimeSpan.Zero, throttle.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(10), throttle.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(20), throttle.Reserve());
    }

    [Fact]
    public void A_client_that_keeps_to_the_rate_never_waits_and_an_idle_one_saves_up_no_more_than_the_burst()
    {
        var clock = new ManualClock();
        var throttle = new CallThrottle(clock, perSecond: 100, burst: 100);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.Reserve());
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 100; i++) Assert.Equal(TimeSpan.Zero, throttle.Reserve());
        Assert.True(throttle.Reserve() > TimeSpan.Zero, "an hour of silence bought more than the burst");
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(-1, 100)]
    [InlineData(100, 0)]
    public void A_throttle_without_a_positive_rate_or_room_for_one_call_is_refused(double perSecond, double burst) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CallThrottle(TimeProvider.System, perSecond, burst));
}
