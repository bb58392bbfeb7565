namespace SelfRef.Core.Privacy;

/// <summary>
/// That a participant's records were deleted: the day, the experiment, why and how much. Nothing
/// in it leads back to the person or their pseudonym, so it can be kept as the study's record of
/// withdrawals. The id is random (LiteDB's default ids carry the time to the second).
/// </summary>
public sealed record DeletionRecord
{
    public Guid Id { get; init; } = Guid.NewGuid();
    /// <summary>The UTC day of the deletion, without the time of day.</summary>
    public DateTime Day { get; init; }
    public string ExperimentId { get; init; } = "";
    /// <summary>"withdrawn during the study", "withdrawn after the study".</summary>
    public string Reason { get; init; } = "";
    public int Sessions { get; init; }
    public int EventBatches { get; init; }
    public int Events { get; init; }
    public int Codes { get; init; }
}

/// <summary>What deleting one session removed.</summary>
public sealed record DeletedRecords(int Sessions, int EventBatches, int Events, int Codes);
