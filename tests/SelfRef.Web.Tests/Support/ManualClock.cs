namespace SelfRef.Tests.Support;

/// <summary>A clock that stands still until the test moves it, so "30 days later" takes no time and no luck.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
