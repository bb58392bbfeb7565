namespace SelfRef.Web.Hosting;

/// <summary>The sweepers' timer.</summary>
public static class SweeperTicks
{
    /// <summary>
    /// The next tick, or false once stopping. A host that fails to start (e.g. its port in use)
    /// cancels its background services without having been stopped, and the host logs a
    /// cancellation that escapes one as a fault with its stack trace: it is not one.
    /// </summary>
    public static async ValueTask<bool> NextTickUnlessStopped(this PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return false; }
    }
}
