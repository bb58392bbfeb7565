using SelfRef.Core.Events;

namespace SelfRef.Core.Storage;

/// <summary>
/// What a store does with a batch, given the highest durable event number of its stream and the
/// sealed bytes its session stores: the same rules for every store (idempotent resends, no gaps,
/// the per-session quota).
/// </summary>
/// <param name="Store">false: every event of the batch is durable already (a resend), nothing is written.</param>
/// <param name="First">the first event of the batch not yet durable (earlier ones stay in the payload but are skipped when read).</param>
/// <param name="Bytes">the session's stored bytes once the batch is stored.</param>
public readonly record struct BatchAdmission(bool Store, long First, long Bytes)
{
    /// <param name="storedBytes">read only when the batch brings new events.</param>
    /// <exception cref="BatchRefusedException">the batch leaves a gap, or the session's quota would be exceeded.</exception>
    public static BatchAdmission Decide(EventBatch batch, long durable, Func<long> storedBytes, int payloadBytes, long quotaBytes)
    {
        if (batch.Last <= durable) return new(false, durable + 1, 0);
        if (batch.Seq > durable + 1)
            throw new BatchRefusedException($"sequence gap: the next event expected is {durable + 1}, the batch starts at {batch.Seq}");
        var bytes = storedBytes() + payloadBytes;
        if (bytes > quotaBytes)
            throw new BatchRefusedException($"storage quota used up: this session may store at most {quotaBytes / (1024 * 1024)} MB");
        return new(true, durable + 1, bytes);
    }
}
