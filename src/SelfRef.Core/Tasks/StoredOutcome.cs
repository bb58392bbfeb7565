namespace SelfRef.Core.Tasks;

/// <summary>
/// A task step's outcome as derived once and kept with the session (sealed with it): pages,
/// reports and exports read it instead of deriving from events again. <see cref="Rule"/> is the
/// task type's rule version that derived it (rederive derives outcomes of older rules again);
/// <see cref="Deidentified"/> says its identifying columns were dropped when retention ended, so
/// it can no longer be derived again.
/// </summary>
public sealed record StoredOutcome
{
    public string Task { get; init; } = "";
    public int Rule { get; init; }
    public DateTime DerivedAt { get; init; }
    public double? LatencyMs { get; init; }
    public bool? SelfReference { get; init; }
    public string? MissingReason { get; init; }
    public string? MatchDetail { get; init; }
    public string? PointerType { get; init; }
    /// <summary>desktop, tablet or phone, from what the browser said when the step appeared.</summary>
    public string? Device { get; init; }
    public Dictionary<string, string?> Columns { get; init; } = [];
    public bool Deidentified { get; init; }

    public static StoredOutcome Of(TaskType type, TaskOutcome outcome, string? device, DateTime at) => new()
    {
        Task = type.Name,
        Rule = type.RuleVersion,
        DerivedAt = at,
        LatencyMs = outcome.LatencyMs,
        SelfReference = outcome.SelfReference,
        MissingReason = outcome.MissingReason,
        MatchDetail = outcome.MatchDetail,
        PointerType = outcome.PointerType,
        Device = device,
        Columns = outcome.Columns.ToDictionary(c => c.Key, c => c.Value),
    };

    public TaskOutcome ToOutcome() => new(LatencyMs, SelfReference, MissingReason, MatchDetail, PointerType) { Columns = Columns };

    /// <summary>Whether it says the same as another (the time it was derived aside).</summary>
    public bool SameAs(StoredOutcome? other) =>
        other is not null && other.Task == Task && other.Rule == Rule && other.LatencyMs == LatencyMs && other.SelfReference == SelfReference
        && other.MissingReason == MissingReason && other.MatchDetail == MatchDetail && other.PointerType == PointerType && other.Device == Device
        && other.Deidentified == Deidentified && other.Columns.Count == Columns.Count && Columns.All(c => other.Columns.TryGetValue(c.Key, out var v) && v == c.Value);
}
