namespace SelfRef.Core.Events;

public static class StepEvents
{
    /// <summary>
    /// The events of one step, in order, from the browser tab that first sent any for it. A
    /// second tab opened on the same step has its own numbering and clock; mixing the two would
    /// make neither's timing true, so analyses read one.
    /// </summary>
    public static IReadOnlyList<StoredEvent> Of(IEnumerable<StoredBatch> batches, string stepId)
    {
        var ofStep = batches.Where(b => b.Step == stepId).ToList();
        if (ofStep.Count == 0) return [];
        var first = ofStep.MinBy(b => b.ReceivedAt)!.Stream;
        return ofStep.Where(b => b.Stream == first).OrderBy(b => b.Seq).SelectMany(b => b.Events).OrderBy(e => e.N).ToList();
    }
}
