namespace SelfRef.Fault.Tests.Support;

/// <summary>Waiting on load runs: the limit is the runs themselves (one that ends first fails the test), never a wall-clock window.</summary>
internal static class LoadRuns
{
    /// <summary>Waits for a condition of the runs; a run that ends first fails the test with its own exception or this one.</summary>
    public static async Task Until(Func<bool> condition, params Task[] runs)
    {
        while (!condition())
        {
            if (runs.FirstOrDefault(r => r.IsCompleted) is { } ended)
            {
                await ended;
                throw new InvalidOperationException("a load run ended before the condition was met");
            }
            await Task.Delay(50);
        }
    }

    public static IEnumerable<long> LongRange(long first, long last)
    {
        for (var n = first; n <= last; n++) yield return n;
    }
}
