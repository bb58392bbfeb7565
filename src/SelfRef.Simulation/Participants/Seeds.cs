namespace SelfRef.Simulation.Participants;

/// <summary>
/// Seeds derived from the run's seed, a participant's index and a purpose, so that a
/// participant and each of its steps draw the same numbers whatever the order in which
/// concurrent participants run (string.GetHashCode differs between processes, so it is not used).
/// </summary>
public static class Seeds
{
    public static int Of(int seed, int index, string purpose = "")
    {
        var x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)index);
        foreach (var c in purpose) x = unchecked((x ^ c) * 0x100000001B3UL);
        // SplitMix64 finaliser.
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }

    public static Random Random(int seed, int index, string purpose = "") => new(Of(seed, index, purpose));
}
