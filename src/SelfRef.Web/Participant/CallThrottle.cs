namespace SelfRef.Web.Participant;

/// <summary>
/// A budget of hub calls for one connection (a token bucket): <c>burst</c> calls at once, then
/// <c>perSecond</c>. A browser sends one batch at a time and stays far below it; a client that
/// floods the hub is slowed to the budget instead of taking the writer from everyone else.
/// </summary>
public sealed class CallThrottle
{
    private readonly TimeProvider _time;
    private readonly double _perSecond, _burst;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _stamp;

    public CallThrottle(TimeProvider time, double perSecond, double burst)
    {
        if (perSecond <= 0 || burst < 1) throw new ArgumentOutOfRangeException(nameof(perSecond), "a throttle needs a positive rate and room for at least one call");
        (_time, _perSecond, _burst, _tokens, _stamp) = (time, perSecond, burst, burst, time.GetTimestamp());
    }

    /// <summary>Takes one call from the budget; returns how long the call must wait for its turn (zero within the budget).</summary>
    public TimeSpan Reserve()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + _time.GetElapsedTime(_stamp, now).TotalSeconds * _perSecond);
            _stamp = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _perSecond);
        }
    }
}
