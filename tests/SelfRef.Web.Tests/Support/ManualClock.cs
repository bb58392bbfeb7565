namespace SelfRef.Tests.Support;

/// <summary>A clock that stands still until the test moves it, so "30 days later" takes no time and no luck (timers still run on real time).</summary>
public sealed class ManualClock(DateTimeOffset? start = null) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start ?? new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
