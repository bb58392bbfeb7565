namespace SelfRef.Core.Sessions;

/// <summary>
/// Balanced assignment by permuted blocks: slots 0..k-1 hold each of k conditions once in a
/// seeded random order, slots k..2k-1 again, and so on. The same seed gives the same sequence.
/// </summary>
public static class BlockRandomization
{
    public static int ConditionOf(int seed, int conditionCount, int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(conditionCount);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        var block = slot / conditionCount;
        var order = Enumerable.Range(0, conditionCount).ToArray();
        // System.Random with a seed is a fixed algorithm across .NET versions (the seeded
        // legacy generator), so a study's assignment sequence can be re-derived later.
        new Random(HashCode(seed, block)).Shuffle(order);
        return order[slot % conditionCount];
    }

    private static int HashCode(int seed, int block) => unchecked((seed * 1_000_003) ^ (block * 7_919) + block);
}
